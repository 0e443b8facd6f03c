import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecencyMap } from '../../src/domain/recency-map.js';

describe('RecencyMap', () => {
  it('keeps least-recently-used order through touch, set and trimTo', () => {
    const m = new RecencyMap<string, number>();
    m.set('a', 1).set('b', 2).set('c', 3);
    m.touch('a', 1);
    assert.deepEqual([...m.keys()], ['b', 'c', 'a']);
    m.touch('a', 1);
    assert.deepEqual([...m.keys()], ['b', 'c', 'a'], 'touching the newest moves nothing');
    m.set('b', 20);
    assert.deepEqual([...m.entries()], [['b', 20], ['c', 3], ['a', 1]], 'overwriting keeps the place');
    m.touch('b', 20);
    assert.deepEqual([...m.keys()], ['c', 'a', 'b'], 'an overwritten entry is not taken for the newest');
    m.delete('b');
    m.set('b', 2);
    m.touch('c', 3);
    assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
    assert.equal(m.oldest(), 'a');
    m.trimTo(1);
    assert.deepEqual([...m.keys()], ['c']);
    m.trimTo(0);
    assert.equal(m.oldest(), undefined);
  });
});

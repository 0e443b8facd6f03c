import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom } from '../../src/ports/random.js';

describe('cryptoRandom', () => {
  it('returns independent buffers of the requested size, never repeating pooled bytes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const b = cryptoRandom.bytes(12);
      assert.equal(b.length, 12);
      const hex = b.toString('hex');
      assert.ok(!seen.has(hex), 'a 96-bit value repeated');
      seen.add(hex);
    }
  });

  it('hands out copies: changing one does not change the next', () => {
    const a = cryptoRandom.bytes(32);
    const copy = Buffer.from(a);
    a.fill(0);
    const b = cryptoRandom.bytes(32);
    assert.notDeepEqual(b, Buffer.alloc(32));
    assert.notDeepEqual(copy, Buffer.alloc(32));
  });

  it('serves large requests directly', () => {
    assert.equal(cryptoRandom.bytes(4096).length, 4096);
    assert.notDeepEqual(cryptoRandom.bytes(1024), Buffer.alloc(1024));
  });
});

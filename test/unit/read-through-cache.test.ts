import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadThroughCache } from '../../src/domain/read-through-cache.js';

/** A load that counts its calls and returns `value`. */
function counting<V>(value: V | undefined): { load: () => Promise<V | undefined>; calls: () => number } {
  let calls = 0;
  return {
    load: async () => {
      calls++;
      return value;
    },
    calls: () => calls,
  };
}

describe('ReadThroughCache', () => {
  it('serves a loaded entry from memory while trusted, and loads every time while not', async () => {
    let trusted = true;
    const cache = new ReadThroughCache<string, number>(10, () => trusted);
    const source = counting(7);
    assert.equal(await cache.read('a', source.load), 7);
    assert.equal(await cache.read('a', source.load), 7);
    assert.equal(source.calls(), 1);
    trusted = false;
    assert.equal(await cache.read('a', source.load), 7);
    assert.equal(await cache.read('a', source.load), 7);
    assert.equal(source.calls(), 3, 'an untrusted cache reads through');
  });

  it('keeps nothing for a load that found nothing', async () => {
    const cache = new ReadThroughCache<string, number>(10, () => true);
    const source = counting<number>(undefined);
    assert.equal(await cache.read('a', source.load), undefined);
    assert.equal(await cache.read('a', source.load), undefined);
    assert.equal(source.calls(), 2);
    assert.equal(cache.size, 0);
  });

  it('holds and returns what `keep` makes of a loaded value', async () => {
    const cache = new ReadThroughCache<string, { n: number }>(10, () => true);
    const first = await cache.read('a', async () => ({ n: 1 }), Object.freeze);
    assert.ok(Object.isFrozen(first));
    assert.equal(await cache.read('a', async () => ({ n: 2 })), first);
  });

  it('does not keep a load that raced with a drop', async () => {
    const cache = new ReadThroughCache<string, number>(10, () => true);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.read('a', async () => {
      await gate;
      return 1;
    });
    cache.drop('a');
    release();
    assert.equal(await slow, 1, 'the caller still gets what it read');
    assert.equal(cache.size, 0, 'but the racing value is not kept');
    assert.equal(await cache.read('a', async () => 2), 2);
  });

  it('does not keep a load that started while the cache was untrusted', async () => {
    let trusted = false;
    const cache = new ReadThroughCache<string, number>(10, () => trusted);
    await cache.read('a', async () => {
      trusted = true;
      return 1;
    });
    assert.equal(cache.size, 0);
  });

  it('does not keep a load that finished while the cache was untrusted', async () => {
    let trusted = true;
    const cache = new ReadThroughCache<string, number>(10, () => trusted);
    await cache.read('a', async () => {
      trusted = false;
      return 1;
    });
    trusted = true;
    assert.equal(cache.size, 0);
  });

  it('drops one entry, the entries a test selects, or all, and stays within its capacity', async () => {
    const cache = new ReadThroughCache<string, number>(3, () => true);
    for (const [k, v] of [['a/1', 1], ['a/2', 2], ['b/1', 3]] as const) await cache.read(k, async () => v);
    cache.dropWhere((key) => key.startsWith('a/'));
    assert.equal(cache.size, 1);
    assert.equal(await cache.read('b/1', async () => 30), 3);
    cache.drop('b/1');
    assert.equal(await cache.read('b/1', async () => 30), 30);
    for (const k of ['c', 'd', 'e', 'f']) await cache.read(k, async () => 0);
    assert.equal(cache.size, 3, 'least recently used out beyond capacity');
    assert.equal(await cache.read('b/1', async () => 99), 99, 'the oldest entry was dropped');
    cache.clear();
    assert.equal(cache.size, 0);
  });
});

/**
 * CachedKeyStore: records served from memory only while trusted, dropped by
 * writes through it and by the change feed, a read racing a drop keeps
 * nothing, bounded, frozen. The inner store is a scripted fake.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CachedKeyStore } from '../../../src/adapters/store/cached-key-store.js';
import type { KeyRecord } from '../../../src/domain/key-model.js';
import type { KeyStore } from '../../../src/ports/key-store.js';

function record(keyId: string, revision = 1, state: KeyRecord['state'] = 'Enabled'): KeyRecord {
  return {
    accountId: '111122223333', region: 'us-east-1', keyId, createdAt: 1, description: '', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS', state, multiRegion: false, policy: '{}', tags: [{ TagKey: 'k', TagValue: 'v' }], currentMaterialVersion: 1, currentMaterialId: 'a'.repeat(64), revision,
  };
}

/** The inner store: a map of records, counting reads; `gate` holds reads until released. */
function inner() {
  const rows = new Map<string, KeyRecord>();
  const state = { reads: 0, gate: undefined as Promise<void> | undefined };
  const store = {
    async getKey(_a: string, _r: string, keyId: string) {
      state.reads++;
      const row = rows.get(keyId);
      const copy = row ? structuredClone(row) : undefined;
      if (state.gate) await state.gate;
      return copy;
    },
    async updateKey(key: KeyRecord) {
      const cur = rows.get(key.keyId);
      if (!cur || cur.revision !== key.revision - 1) return false;
      rows.set(key.keyId, structuredClone(key));
      return true;
    },
  } as unknown as KeyStore;
  return { rows, state, store };
}

const feedChange = (keyId: string) => ({ seq: 1, scope: 'key' as const, subject: `111122223333/us-east-1/${keyId}` });

describe('CachedKeyStore', () => {
  it('serves a trusted record from memory, frozen', async () => {
    const { rows, state, store } = inner();
    rows.set('k1', record('k1'));
    const cached = new CachedKeyStore(store, () => true);
    const first = await cached.getKey('111122223333', 'us-east-1', 'k1');
    const second = await cached.getKey('111122223333', 'us-east-1', 'k1');
    assert.equal(state.reads, 1);
    assert.equal(first, second);
    assert.ok(Object.isFrozen(second) && Object.isFrozen(second!.tags[0]));
    assert.throws(() => {
      (second as KeyRecord).state = 'Disabled';
    }, TypeError);
  });

  it('reads the store while the change feed is not trusted', async () => {
    const { rows, state, store } = inner();
    rows.set('k1', record('k1'));
    let trusted = false;
    const cached = new CachedKeyStore(store, () => trusted);
    await cached.getKey('111122223333', 'us-east-1', 'k1');
    await cached.getKey('111122223333', 'us-east-1', 'k1');
    assert.equal(state.reads, 2, 'nothing is kept or served without trust');
    trusted = true;
    await cached.getKey('111122223333', 'us-east-1', 'k1');
    await cached.getKey('111122223333', 'us-east-1', 'k1');
    assert.equal(state.reads, 3);
    trusted = false;
    rows.set('k1', record('k1', 2, 'Disabled'));
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'Disabled', 'a lapse of trust reads the change');
  });

  it('a write through it, and a change on the feed, drop the record', async () => {
    const { rows, store } = inner();
    rows.set('k1', record('k1'));
    const cached = new CachedKeyStore(store, () => true);
    const k = await cached.getKey('111122223333', 'us-east-1', 'k1');
    assert.equal(await cached.updateKey({ ...structuredClone(k!), state: 'Disabled', revision: 2 }), true);
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'Disabled');

    rows.set('k1', record('k1', 3, 'PendingDeletion')); // written by another node
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'Disabled', 'until the feed says so');
    cached.changed(feedChange('k1'));
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'PendingDeletion');
    rows.set('k1', record('k1', 4, 'Enabled'));
    cached.reset();
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'Enabled');
  });

  it('a read that raced with a drop keeps nothing', async () => {
    const { rows, state, store } = inner();
    rows.set('k1', record('k1'));
    const cached = new CachedKeyStore(store, () => true);
    let release!: () => void;
    state.gate = new Promise((r) => (release = r));
    const slow = cached.getKey('111122223333', 'us-east-1', 'k1'); // reads revision 1, then waits
    rows.set('k1', record('k1', 2, 'Disabled'));
    cached.changed(feedChange('k1'));
    release();
    state.gate = undefined;
    assert.equal((await slow)!.state, 'Enabled');
    assert.equal((await cached.getKey('111122223333', 'us-east-1', 'k1'))!.state, 'Disabled', 'the stale read was not cached');
  });

  it('holds at most its capacity, least recently used out', async () => {
    const { rows, state, store } = inner();
    for (const id of ['a', 'b', 'c']) rows.set(id, record(id));
    const cached = new CachedKeyStore(store, () => true, 2);
    await cached.getKey('111122223333', 'us-east-1', 'a');
    await cached.getKey('111122223333', 'us-east-1', 'b');
    await cached.getKey('111122223333', 'us-east-1', 'a');
    await cached.getKey('111122223333', 'us-east-1', 'c');
    assert.equal(cached.size, 2);
    const before = state.reads;
    await cached.getKey('111122223333', 'us-east-1', 'a');
    assert.equal(state.reads, before, 'a was used recently and stayed');
    await cached.getKey('111122223333', 'us-east-1', 'b');
    assert.equal(state.reads, before + 1, 'b was the least recently used and went');
  });
});

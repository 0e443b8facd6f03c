/**
 * CachedIdentityStore: identity policy documents served from memory only
 * while trusted, dropped by every policy-changing write through it and by the
 * change feed (one holder, or an account's every holder), a read racing a
 * drop keeps nothing, bounded. The inner store is a scripted fake.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CachedIdentityStore } from '../../../src/adapters/store/cached-identity-store.js';
import type { IdentityStore } from '../../../src/ports/identity-store.js';

const ACCOUNT = '111122223333';

/** The inner store: documents by holder, counting reads; `gate` holds reads until released. */
function inner() {
  const docs = new Map<string, string[]>();
  const state = { reads: 0, writes: 0, gate: undefined as Promise<void> | undefined };
  const write = async <T>(result: T) => {
    state.writes++;
    return result;
  };
  const store = {
    async policyDocumentsOf(accountId: string, holderId: string) {
      state.reads++;
      const copy = [...(docs.get(`${accountId}/${holderId}`) ?? [])];
      if (state.gate) await state.gate;
      return copy;
    },
    putInlinePolicy: () => write(true),
    deleteInlinePolicy: () => write(true),
    attachPolicy: () => write('attached'),
    detachPolicy: () => write(true),
    deleteManagedPolicy: () => write('deleted'),
    deleteUser: () => write('deleted'),
    deleteRole: () => write('deleted'),
    getUser: async () => undefined,
  } as unknown as IdentityStore;
  return { docs, state, store };
}

const feed = (subject: string, scope: 'identity-policy' | 'key' = 'identity-policy') => ({ seq: 1, scope, subject });

describe('CachedIdentityStore', () => {
  it('serves a trusted holder from memory; callers cannot change what is cached', async () => {
    const { docs, state, store } = inner();
    docs.set(`${ACCOUNT}/AIDA1`, ['{"Statement":[]}']);
    const cached = new CachedIdentityStore(store, () => true);
    const first = await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    first.push('tampered');
    const second = await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    assert.equal(state.reads, 1);
    assert.deepEqual(second, ['{"Statement":[]}']);
  });

  it('reads the store while the change feed is not trusted', async () => {
    const { state, store } = inner();
    let trusted = false;
    const cached = new CachedIdentityStore(store, () => trusted);
    await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    assert.equal(state.reads, 2);
    trusted = true;
    await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    assert.equal(state.reads, 3);
  });

  for (const [name, write] of [
    ['putInlinePolicy', (s: IdentityStore) => s.putInlinePolicy(ACCOUNT, 'AIDA9', { policyName: 'p', document: '{}' } as never)],
    ['deleteInlinePolicy', (s: IdentityStore) => s.deleteInlinePolicy(ACCOUNT, 'AIDA9', 'p')],
    ['attachPolicy', (s: IdentityStore) => s.attachPolicy(ACCOUNT, 'AIDA9', 'ANPA1', 10, 0)],
    ['detachPolicy', (s: IdentityStore) => s.detachPolicy(ACCOUNT, 'AIDA9', 'ANPA1')],
    ['deleteManagedPolicy', (s: IdentityStore) => s.deleteManagedPolicy(ACCOUNT, 'p')],
    ['deleteUser', (s: IdentityStore) => s.deleteUser(ACCOUNT, 'u')],
    ['deleteRole', (s: IdentityStore) => s.deleteRole(ACCOUNT, 'r')],
  ] as const) {
    it(`${name} through it drops every cached holder, so this process reads its own write`, async () => {
      const { docs, state, store } = inner();
      docs.set(`${ACCOUNT}/AIDA1`, ['v1']);
      const cached = new CachedIdentityStore(store, () => true);
      await cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
      docs.set(`${ACCOUNT}/AIDA1`, ['v2']);
      await write(cached);
      assert.equal(state.writes, 1);
      assert.deepEqual(await cached.policyDocumentsOf(ACCOUNT, 'AIDA1'), ['v2']);
      assert.equal(state.reads, 2);
    });
  }

  it('the change feed drops one holder, or every holder of an account for a managed policy change', async () => {
    const { docs, state, store } = inner();
    const cached = new CachedIdentityStore(store, () => true);
    for (const h of ['AIDA1', 'AROA2']) docs.set(`${ACCOUNT}/${h}`, [`${h} v1`]);
    docs.set(`444455556666/AIDA3`, ['other v1']);
    for (const h of ['AIDA1', 'AROA2']) await cached.policyDocumentsOf(ACCOUNT, h);
    await cached.policyDocumentsOf('444455556666', 'AIDA3');
    assert.equal(state.reads, 3);

    for (const h of ['AIDA1', 'AROA2']) docs.set(`${ACCOUNT}/${h}`, [`${h} v2`]);
    docs.set(`444455556666/AIDA3`, ['other v2']);
    cached.changed(feed(`${ACCOUNT}/AIDA1`));
    cached.changed(feed(`${ACCOUNT}/AROA2`, 'key')); // another scope: nothing dropped
    assert.deepEqual(await cached.policyDocumentsOf(ACCOUNT, 'AIDA1'), ['AIDA1 v2']);
    assert.deepEqual(await cached.policyDocumentsOf(ACCOUNT, 'AROA2'), ['AROA2 v1']);

    cached.changed(feed(`${ACCOUNT}/*`));
    assert.deepEqual(await cached.policyDocumentsOf(ACCOUNT, 'AROA2'), ['AROA2 v2']);
    assert.deepEqual(await cached.policyDocumentsOf('444455556666', 'AIDA3'), ['other v1']);

    cached.reset();
    assert.deepEqual(await cached.policyDocumentsOf('444455556666', 'AIDA3'), ['other v2']);
  });

  it('a read that raced with a drop is served but not kept', async () => {
    const { docs, state, store } = inner();
    docs.set(`${ACCOUNT}/AIDA1`, ['v1']);
    const cached = new CachedIdentityStore(store, () => true);
    let release!: () => void;
    state.gate = new Promise((r) => (release = r));
    const racing = cached.policyDocumentsOf(ACCOUNT, 'AIDA1');
    docs.set(`${ACCOUNT}/AIDA1`, ['v2']);
    cached.changed(feed(`${ACCOUNT}/AIDA1`));
    release();
    state.gate = undefined;
    assert.deepEqual(await racing, ['v1']);
    assert.deepEqual(await cached.policyDocumentsOf(ACCOUNT, 'AIDA1'), ['v2']);
    assert.equal(state.reads, 2);
  });

  it('holds at most its capacity, least recently used out', async () => {
    const { state, store } = inner();
    const cached = new CachedIdentityStore(store, () => true, 2);
    await cached.policyDocumentsOf(ACCOUNT, 'A');
    await cached.policyDocumentsOf(ACCOUNT, 'B');
    await cached.policyDocumentsOf(ACCOUNT, 'A'); // A is now the most recent
    await cached.policyDocumentsOf(ACCOUNT, 'C'); // B goes
    assert.equal(cached.size, 2);
    const before = state.reads;
    await cached.policyDocumentsOf(ACCOUNT, 'A');
    assert.equal(state.reads, before);
    await cached.policyDocumentsOf(ACCOUNT, 'B');
    assert.equal(state.reads, before + 1);
  });

  it('passes other calls through', async () => {
    const { store } = inner();
    const cached = new CachedIdentityStore(store, () => true);
    assert.equal(await cached.getUser(ACCOUNT, 'nobody'), undefined);
  });
});

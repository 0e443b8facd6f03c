/**
 * The storage contract every IdentityStore implementation must pass: accounts,
 * access keys with their owners, IAM users, roles, inline and managed policies,
 * attachments, and STS sessions. Each implementation's test file calls
 * `identityStoreContract` with a factory.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { IamRole, IamUser, ManagedPolicy, SessionRecord } from '../../src/domain/iam/model.js';
import type { AccessKeyRecord, IdentityStore } from '../../src/ports/identity-store.js';
import type { Stores } from '../../src/ports/stores.js';

const A = '111122223333';
const B = '444455556666';
let n = 0;

function user(name: string, o: Partial<IamUser> = {}): IamUser {
  n++;
  const path = o.path ?? '/';
  return { accountId: A, userName: name, userId: `AIDA${String(n).padStart(17, 'X')}`, path, arn: `arn:aws:iam::${A}:user${path}${name}`, createdAt: 1000 + n, tags: [], ...o };
}

function role(name: string, o: Partial<IamRole> = {}): IamRole {
  n++;
  const path = o.path ?? '/';
  return {
    accountId: A, roleName: name, roleId: `AROA${String(n).padStart(17, 'X')}`, path, arn: `arn:aws:iam::${A}:role${path}${name}`,
    trustPolicy: '{"Statement":[]}', maxSessionDuration: 3600, createdAt: 2000 + n, tags: [], ...o,
  };
}

function policy(name: string, o: Partial<ManagedPolicy> = {}): ManagedPolicy {
  n++;
  const path = o.path ?? '/';
  return {
    accountId: A, policyName: name, policyId: `ANPA${String(n).padStart(17, 'X')}`, path, arn: `arn:aws:iam::${A}:policy${path}${name}`,
    defaultVersionId: 'v1', attachmentCount: 0, createdAt: 3000 + n, updatedAt: 3000 + n, tags: [], ...o,
  };
}

function v1(document: string) {
  return { versionId: 'v1', document, isDefaultVersion: true, createdAt: 5 };
}

function key(id: string, o: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return { accessKeyId: id, accountId: A, principalArn: `arn:aws:iam::${A}:root`, principalType: 'Root', wrappedSecret: Buffer.from([1, 2, 3]), status: 'Active', createdAt: 10, ...o };
}

function userKey(id: string, u: IamUser, createdAt = 10): AccessKeyRecord {
  return key(id, { principalArn: u.arn, principalType: 'IAMUser', userName: u.userName, userId: u.userId, createdAt });
}

function session(id: string, o: Partial<SessionRecord> = {}): SessionRecord {
  return {
    accessKeyId: id, accountId: A, tokenHash: Buffer.alloc(32, 7), wrappedSecret: Buffer.from([4, 5, 6]), createdAt: 100, expiresAt: 200,
    principalType: 'AssumedRole', principalArn: `arn:aws:sts::${A}:assumed-role/r/s`, principalId: 'AROAXXXXXXXXXXXXXXXXX', roleArn: `arn:aws:iam::${A}:role/r`,
    roleName: 'r', sessionName: 's', tags: [{ Key: 'team', Value: 'blue' }], ...o,
  };
}

export function identityStoreContract(name: string, open: () => Promise<Stores>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`identity store contract: ${name}`, () => {
    let stores: Stores;
    let store: IdentityStore;
    beforeEach(async () => {
      stores = await open();
      store = stores.identity;
      await store.ensureAccount(A, 1);
      await store.ensureAccount(B, 2);
    });
    afterEach(async () => {
      await stores.close();
      await cleanup();
    });

    it('accounts: get and list by id', async () => {
      assert.deepEqual(await store.getAccount(A), { accountId: A, createdAt: 1 });
      assert.equal(await store.getAccount('999999999999'), undefined);
      assert.deepEqual((await store.listAccounts()).map((a) => a.accountId), [A, B]);
    });

    it('users: names are unique per account without regard to case; lookups ignore case', async () => {
      const alice = user('Alice', { tags: [{ Key: 'k', Value: 'v' }] });
      assert.equal(await store.createUser(alice), true);
      assert.equal(await store.createUser(user('alice')), false);
      assert.equal(await store.createUser(user('alice', { accountId: B })), true);
      assert.deepEqual(await store.getUser(A, 'ALICE'), alice);
      assert.equal(await store.getUser(A, 'bob'), undefined);
    });

    it('users: listed by name with a path prefix, in pages', async () => {
      for (const name of ['d', 'b', 'a', 'c']) await store.createUser(user(name, name === 'c' ? { path: '/eng/' } : {}));
      const first = await store.listUsers(A, { limit: 2 });
      assert.deepEqual(first.items.map((u) => u.userName), ['a', 'b']);
      assert.ok(first.next);
      const second = await store.listUsers(A, { limit: 2, after: first.next });
      assert.deepEqual(second.items.map((u) => u.userName), ['c', 'd']);
      assert.equal(second.next, undefined);
      assert.deepEqual((await store.listUsers(A, { limit: 10, pathPrefix: '/eng' })).items.map((u) => u.userName), ['c']);
    });

    it('access keys of users: at most `limit`, listed by owner, status and deletion', async () => {
      const alice = user('alice');
      await store.createUser(alice);
      assert.equal(await store.createAccessKey(userKey('AKIAALICE00000000001', alice, 1), 2), true);
      assert.equal(await store.createAccessKey(userKey('AKIAALICE00000000002', alice, 2), 2), true);
      assert.equal(await store.createAccessKey(userKey('AKIAALICE00000000003', alice, 3), 2), false);
      assert.equal(await store.createAccessKey(key('AKIAROOT000000000001'), 2), true);
      const got = await store.getAccessKey('AKIAALICE00000000001');
      assert.deepEqual(got, userKey('AKIAALICE00000000001', alice, 1));
      assert.ok(Buffer.isBuffer(got!.wrappedSecret));
      assert.deepEqual((await store.listAccessKeys(A, { type: 'IAMUser', userId: alice.userId })).map((k) => k.accessKeyId), ['AKIAALICE00000000001', 'AKIAALICE00000000002']);
      assert.deepEqual((await store.listAccessKeys(A, { type: 'Root' })).map((k) => k.accessKeyId), ['AKIAROOT000000000001']);
      assert.equal(await store.setAccessKeyStatus('AKIAALICE00000000001', 'Inactive'), true);
      assert.equal((await store.getAccessKey('AKIAALICE00000000001'))!.status, 'Inactive');
      assert.equal(await store.setAccessKeyStatus('AKIANONE000000000000', 'Inactive'), false);
      assert.equal(await store.deleteAccessKey('AKIAALICE00000000001'), true);
      assert.equal(await store.deleteAccessKey('AKIAALICE00000000001'), false);
      assert.equal(await store.getAccessKey('AKIAALICE00000000001'), undefined);
    });

    it('access keys: a key for a user that does not exist is refused', async () => {
      const ghost = user('ghost');
      assert.equal(await store.createAccessKey(userKey('AKIAGHOST00000000001', ghost), 2), false);
      assert.equal(await store.getAccessKey('AKIAGHOST00000000001'), undefined);
    });

    it('deleteUser refuses while keys, inline or attached policies remain, then deletes the user and its sessions', async () => {
      const alice = user('alice');
      await store.createUser(alice);
      const p = policy('p');
      await store.createManagedPolicy(p, v1('{}'));
      await store.createAccessKey(userKey('AKIAALICE00000000001', alice), 2);
      await store.putInlinePolicy(A, alice.userId, { policyName: 'i', document: '{}' });
      await store.attachPolicy(A, alice.userId, p.policyId, 10, 1);
      await store.putSession(session('ASIAALICE00000000001', { principalType: 'IAMUser', principalId: alice.userId, principalArn: alice.arn }));
      assert.equal(await store.deleteUser(A, 'alice'), 'hasAccessKeys');
      await store.deleteAccessKey('AKIAALICE00000000001');
      assert.equal(await store.deleteUser(A, 'alice'), 'hasInlinePolicies');
      await store.deleteInlinePolicy(A, alice.userId, 'i');
      assert.equal(await store.deleteUser(A, 'alice'), 'hasAttachedPolicies');
      await store.detachPolicy(A, alice.userId, p.policyId);
      assert.equal(await store.deleteUser(A, 'ALICE'), 'deleted');
      assert.equal(await store.getUser(A, 'alice'), undefined);
      assert.equal(await store.getSession('ASIAALICE00000000001'), undefined);
      assert.equal(await store.deleteUser(A, 'alice'), 'notFound');
    });

    it('roles: create, get ignoring case, trust policy update, list by path, delete with its sessions', async () => {
      const r = role('App', { description: 'd', path: '/svc/' });
      assert.equal(await store.createRole(r), true);
      assert.equal(await store.createRole(role('app')), false);
      assert.deepEqual(await store.getRole(A, 'APP'), r);
      assert.equal(await store.updateRoleTrustPolicy(A, 'app', '{"v":2}'), true);
      assert.equal(await store.updateRoleTrustPolicy(A, 'none', '{}'), false);
      assert.equal((await store.getRole(A, 'app'))!.trustPolicy, '{"v":2}');
      await store.createRole(role('other'));
      assert.deepEqual((await store.listRoles(A, { limit: 10, pathPrefix: '/svc/' })).items.map((x) => x.roleName), ['App']);
      await store.putInlinePolicy(A, r.roleId, { policyName: 'i', document: '{}' });
      assert.equal(await store.deleteRole(A, 'app'), 'hasInlinePolicies');
      await store.deleteInlinePolicy(A, r.roleId, 'I');
      await store.putSession(session('ASIAAPP0000000000001', { principalId: r.roleId }));
      await store.putSession(session('ASIAOTHER00000000001', { principalId: 'AROAOTHERXXXXXXXXXXX' }));
      assert.equal(await store.deleteRole(A, 'app'), 'deleted');
      assert.equal(await store.getSession('ASIAAPP0000000000001'), undefined);
      assert.ok(await store.getSession('ASIAOTHER00000000001'));
      assert.equal(await store.deleteRole(A, 'app'), 'notFound');
    });

    it('inline policies: put replaces (names ignore case), get, list by name, delete; refused for unknown holders', async () => {
      const r = role('r');
      await store.createRole(r);
      assert.equal(await store.putInlinePolicy(A, r.roleId, { policyName: 'b', document: '{"n":1}' }), true);
      assert.equal(await store.putInlinePolicy(A, r.roleId, { policyName: 'a', document: '{"n":2}' }), true);
      assert.equal(await store.putInlinePolicy(A, r.roleId, { policyName: 'B', document: '{"n":3}' }), true);
      assert.deepEqual(await store.getInlinePolicy(A, r.roleId, 'b'), { policyName: 'B', document: '{"n":3}' });
      assert.deepEqual(await store.listInlinePolicies(A, r.roleId), [{ policyName: 'a', document: '{"n":2}' }, { policyName: 'B', document: '{"n":3}' }]);
      assert.equal(await store.putInlinePolicy(A, 'AROANOBODYXXXXXXXXXX', { policyName: 'x', document: '{}' }), false);
      assert.equal(await store.getInlinePolicy(B, r.roleId, 'a'), undefined);
      assert.equal(await store.deleteInlinePolicy(A, r.roleId, 'a'), true);
      assert.equal(await store.deleteInlinePolicy(A, r.roleId, 'a'), false);
    });

    it('managed policies: unique names, v1 default version, listing (path, only attached, pages), deletion when detached', async () => {
      const p = policy('Reader', { path: '/team/', description: 'reads' });
      assert.equal(await store.createManagedPolicy(p, v1('{"doc":1}')), true);
      assert.equal(await store.createManagedPolicy(policy('reader'), v1('{}')), false);
      assert.deepEqual(await store.getManagedPolicy(A, 'READER'), p);
      assert.deepEqual(await store.getPolicyVersion(A, 'reader', 'v1'), v1('{"doc":1}'));
      assert.equal(await store.getPolicyVersion(A, 'reader', 'v2'), undefined);
      const q = policy('writer');
      await store.createManagedPolicy(q, v1('{}'));
      const first = await store.listManagedPolicies(A, { limit: 1 });
      assert.deepEqual(first.items.map((x) => x.policyName), ['Reader']);
      assert.deepEqual((await store.listManagedPolicies(A, { limit: 1, after: first.next })).items.map((x) => x.policyName), ['writer']);
      assert.deepEqual((await store.listManagedPolicies(A, { limit: 10, pathPrefix: '/team/' })).items.map((x) => x.policyName), ['Reader']);
      const u = user('u');
      await store.createUser(u);
      await store.attachPolicy(A, u.userId, q.policyId, 10, 1);
      assert.deepEqual((await store.listManagedPolicies(A, { limit: 10, onlyAttached: true })).items.map((x) => [x.policyName, x.attachmentCount]), [['writer', 1]]);
      assert.equal(await store.deleteManagedPolicy(A, 'writer'), 'attached');
      await store.detachPolicy(A, u.userId, q.policyId);
      assert.equal(await store.deleteManagedPolicy(A, 'writer'), 'deleted');
      assert.equal(await store.getPolicyVersion(A, 'writer', 'v1'), undefined);
      assert.equal(await store.deleteManagedPolicy(A, 'writer'), 'notFound');
    });

    it('attachments: idempotent, limited, checked for holder and policy; documents of a holder, inline first', async () => {
      const u = user('u');
      await store.createUser(u);
      const ps = [policy('p1'), policy('p2'), policy('p3')];
      for (const [i, p] of ps.entries()) await store.createManagedPolicy(p, v1(`{"managed":${i + 1}}`));
      assert.equal(await store.attachPolicy(A, u.userId, ps[1].policyId, 2, 1), 'attached');
      assert.equal(await store.attachPolicy(A, u.userId, ps[1].policyId, 2, 1), 'attached');
      assert.equal(await store.attachPolicy(A, u.userId, ps[0].policyId, 2, 1), 'attached');
      assert.equal(await store.attachPolicy(A, u.userId, ps[2].policyId, 2, 1), 'limitExceeded');
      assert.equal(await store.attachPolicy(A, 'AIDANOBODYXXXXXXXXXX', ps[2].policyId, 2, 1), 'noHolder');
      assert.equal(await store.attachPolicy(A, u.userId, 'ANPANOPOLICYXXXXXXXX', 2, 1), 'noPolicy');
      assert.equal(await store.attachPolicy(B, u.userId, ps[2].policyId, 2, 1), 'noHolder');
      assert.deepEqual((await store.listAttachedPolicies(A, u.userId)).map((p) => p.policyName), ['p1', 'p2']);
      await store.putInlinePolicy(A, u.userId, { policyName: 'z', document: '{"inline":1}' });
      assert.deepEqual(await store.policyDocumentsOf(A, u.userId), ['{"inline":1}', '{"managed":1}', '{"managed":2}']);
      assert.deepEqual(await store.policyDocumentsOf(B, u.userId), []);
      assert.equal(await store.detachPolicy(A, u.userId, ps[0].policyId), true);
      assert.equal(await store.detachPolicy(A, u.userId, ps[0].policyId), false);
      assert.deepEqual(await store.policyDocumentsOf(A, u.userId), ['{"inline":1}', '{"managed":2}']);
    });

    it('sessions: round-trip with hashed token and wrapped secret as bytes; expired ones are swept', async () => {
      const s = session('ASIAEXAMPLE000000001', { sourceIdentity: 'me' });
      await store.putSession(s);
      const got = await store.getSession(s.accessKeyId);
      assert.deepEqual(got, s);
      assert.ok(Buffer.isBuffer(got!.tokenHash) && Buffer.isBuffer(got!.wrappedSecret));
      const plain = session('ASIAEXAMPLE000000002', { principalType: 'Root', principalId: A, principalArn: `arn:aws:iam::${A}:root`, tags: [], expiresAt: 500 });
      delete plain.roleArn;
      delete plain.roleName;
      delete plain.sessionName;
      await store.putSession(plain);
      assert.deepEqual(await store.getSession(plain.accessKeyId), plain);
      assert.equal(await store.deleteExpiredSessions(300), 1);
      assert.equal(await store.getSession(s.accessKeyId), undefined);
      assert.ok(await store.getSession(plain.accessKeyId));
      assert.equal(await store.getSession('ASIAUNKNOWN000000000'), undefined);
    });
  });
}

/**
 * The change-feed contract every store passes: each change that can revoke
 * a permission (key state or policy, grants, access keys, sessions, users,
 * roles, identity policies) leaves a row with its scope and subject, written
 * by the store itself; reading after a sequence number, re-reading skipped
 * numbers, and pruning by age.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Stores } from '../../src/ports/stores.js';
import type { Change } from '../../src/ports/change-log.js';
import type { KeyRecord } from '../../src/domain/key-model.js';
import type { GrantRecord } from '../../src/domain/grants.js';

const A = '111122223333';
const R = 'us-east-1';
const KEY_ID = '00000000-0000-4000-8000-00000000c0de';

function keyRecord(): KeyRecord {
  return {
    accountId: A, region: R, keyId: KEY_ID, createdAt: 1, description: '', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS', state: 'Enabled', multiRegion: false, policy: '{}', tags: [], currentMaterialVersion: 1, currentMaterialId: 'a'.repeat(64), revision: 1,
  };
}

export function changeLogContract(name: string, open: () => Promise<Stores>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`change feed contract: ${name}`, () => {
    let stores: Stores;
    beforeEach(async () => {
      stores = await open();
      await stores.identity.ensureAccount(A, 1);
    });
    afterEach(async () => {
      await stores.close();
      await cleanup();
    });

    /** What `fn` published, without sequence numbers. */
    async function published(fn: () => Promise<unknown>): Promise<Omit<Change, 'seq'>[]> {
      const before = await stores.changes.head();
      await fn();
      const rows = await stores.changes.since(before, [], 1000);
      for (const r of rows) assert.ok(r.seq > before);
      return rows.map(({ scope, subject }) => ({ scope, subject }));
    }

    it('key updates, grants and deletion are published with the key as subject; reads and creation are not', async () => {
      const k = keyRecord();
      const subject = `${A}/${R}/${KEY_ID}`;
      assert.deepEqual(
        await published(() => stores.keys.createKey(k, { accountId: A, region: R, keyId: KEY_ID, version: 1, materialId: 'a'.repeat(64), wrapped: Buffer.from([1]), createdAt: 1 })),
        [],
      );
      assert.deepEqual(await published(() => stores.keys.getKey(A, R, KEY_ID)), []);
      assert.deepEqual(await published(() => stores.keys.updateKey({ ...k, state: 'Disabled', revision: 2 })), [{ scope: 'key', subject }]);
      assert.deepEqual(await published(() => stores.keys.updateKey({ ...k, state: 'Enabled', revision: 2 })), [], 'a lost compare-and-set changes nothing');
      const grant = { accountId: A, region: R, keyId: KEY_ID, grantId: 'g'.repeat(64), granteePrincipal: 'arn:aws:iam::111122223333:role/x', operations: ['Decrypt'], issuingAccount: `arn:aws:iam::${A}:root`, creationDate: 1, tokenHash: 'h' } as unknown as GrantRecord;
      assert.deepEqual(await published(() => stores.keys.createGrant(grant)), [{ scope: 'key', subject }]);
      assert.deepEqual(await published(() => stores.keys.deleteGrant(A, R, KEY_ID, grant.grantId)), [{ scope: 'key', subject }]);
      await stores.keys.updateKey({ ...k, state: 'PendingDeletion', deletionDate: 5, revision: 3 });
      const deletion = await published(() => stores.keys.deleteKeyIfDue(A, R, KEY_ID, 10));
      assert.ok(deletion.length >= 1);
      assert.ok(deletion.every((c) => c.scope === 'key' && c.subject === subject), JSON.stringify(deletion));
    });

    it('access keys, sessions, users, roles and identity policies are published', async () => {
      const id = stores.identity;
      const user = { accountId: A, userName: 'alice', userId: 'AIDAEXAMPLEEXAMPLE01', path: '/', arn: `arn:aws:iam::${A}:user/alice`, createdAt: 1, tags: [] };
      await id.createUser(user);
      await id.putAccessKey({
        accessKeyId: 'AKIAEXAMPLEEXAMPLE01', accountId: A, principalArn: user.arn, principalType: 'IAMUser', wrappedSecret: Buffer.from([1]), status: 'Active', createdAt: 1,
        userName: 'alice', userId: user.userId,
      });
      assert.deepEqual(await published(() => id.setAccessKeyStatus('AKIAEXAMPLEEXAMPLE01', 'Inactive')), [{ scope: 'credential', subject: 'AKIAEXAMPLEEXAMPLE01' }]);
      assert.deepEqual(await published(() => id.deleteAccessKey('AKIAEXAMPLEEXAMPLE01')), [{ scope: 'credential', subject: 'AKIAEXAMPLEEXAMPLE01' }]);
      const policy = { versionId: 'v1', document: '{}', isDefaultVersion: true, createdAt: 1 };
      assert.deepEqual(await published(() => id.putInlinePolicy(A, user.userId, { policyName: 'p', document: '{}' })), [
        { scope: 'identity-policy', subject: `${A}/${user.userId}` },
      ]);
      assert.deepEqual(await published(() => id.deleteInlinePolicy(A, user.userId, 'p')), [{ scope: 'identity-policy', subject: `${A}/${user.userId}` }]);
      await id.createManagedPolicy(
        { accountId: A, policyName: 'm', policyId: 'ANPAEXAMPLEEXAMPLE01', path: '/', arn: `arn:aws:iam::${A}:policy/m`, defaultVersionId: 'v1', attachmentCount: 0, createdAt: 1, updatedAt: 1, tags: [] },
        policy,
      );
      const attach = await published(() => id.attachPolicy(A, user.userId, 'ANPAEXAMPLEEXAMPLE01', 10, 1));
      assert.ok(attach.some((c) => c.scope === 'identity-policy' && c.subject === `${A}/${user.userId}`), JSON.stringify(attach));
      const detach = await published(() => id.detachPolicy(A, user.userId, 'ANPAEXAMPLEEXAMPLE01'));
      assert.ok(detach.some((c) => c.scope === 'identity-policy' && c.subject === `${A}/${user.userId}`), JSON.stringify(detach));
      assert.deepEqual(await published(() => id.deleteManagedPolicy(A, 'm')), [{ scope: 'identity-policy', subject: `${A}/*` }]);
      const sessionsGo = await published(async () => {
        await id.putSession({
          accessKeyId: 'ASIAEXAMPLEEXAMPLE01', accountId: A, tokenHash: Buffer.alloc(32), wrappedSecret: Buffer.from([1]), createdAt: 1, expiresAt: 2,
          principalType: 'IAMUser', principalArn: user.arn, principalId: user.userId, userName: 'alice', tags: [],
        });
        assert.equal(await id.deleteUser(A, 'alice'), 'deleted');
      });
      assert.ok(sessionsGo.some((c) => c.scope === 'principal' && c.subject === user.userId), JSON.stringify(sessionsGo));
      assert.ok(sessionsGo.some((c) => c.scope === 'credential' && c.subject === 'ASIAEXAMPLEEXAMPLE01'), JSON.stringify(sessionsGo));
      const role = { accountId: A, roleName: 'r', roleId: 'AROAEXAMPLEEXAMPLE01', path: '/', arn: `arn:aws:iam::${A}:role/r`, trustPolicy: '{}', maxSessionDuration: 3600, createdAt: 1, tags: [] };
      await id.createRole(role);
      assert.deepEqual(await published(() => id.deleteRole(A, 'r')), [{ scope: 'principal', subject: role.roleId }]);
    });

    it('since() reads after a sequence number, re-reads skipped numbers, honours the limit; head() is the newest', async () => {
      const k = keyRecord();
      await stores.keys.createKey(k, { accountId: A, region: R, keyId: KEY_ID, version: 1, materialId: 'a'.repeat(64), wrapped: Buffer.from([1]), createdAt: 1 });
      const start = await stores.changes.head();
      for (let r = 2; r <= 6; r++) await stores.keys.updateKey({ ...k, description: `r${r}`, revision: r });
      const all = await stores.changes.since(start, [], 100);
      assert.equal(all.length, 5);
      assert.equal(await stores.changes.head(), all[4].seq);
      assert.deepEqual(all.map((c) => c.seq), [...all.map((c) => c.seq)].sort((a, b) => a - b));
      assert.deepEqual((await stores.changes.since(start, [], 2)).map((c) => c.seq), all.slice(0, 2).map((c) => c.seq));
      const tail = await stores.changes.since(all[3].seq, [all[1].seq, 999_999_999], 100);
      assert.deepEqual(tail.map((c) => c.seq), [all[1].seq, all[4].seq]);
    });

    it('prune() removes only changes older than the given age', async () => {
      const k = keyRecord();
      await stores.keys.createKey(k, { accountId: A, region: R, keyId: KEY_ID, version: 1, materialId: 'a'.repeat(64), wrapped: Buffer.from([1]), createdAt: 1 });
      await stores.keys.updateKey({ ...k, state: 'Disabled', revision: 2 });
      const head = await stores.changes.head();
      assert.equal(await stores.changes.prune(60_000), 0);
      assert.equal((await stores.changes.since(0, [], 100)).length, 1);
      assert.equal(await stores.changes.prune(-60_000), 1);
      assert.deepEqual(await stores.changes.since(0, [], 100), []);
      await stores.keys.updateKey({ ...k, state: 'Enabled', revision: 3 });
      assert.ok((await stores.changes.head()) > head, 'sequence numbers are never reused after a prune');
    });
  });
}

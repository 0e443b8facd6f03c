/**
 * The storage contract every KeyStore implementation must pass. Each
 * implementation's test file calls `keyStoreContract` with a factory.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyStore } from '../../src/ports/key-store.js';
import type { Stores } from '../../src/ports/stores.js';
import type { KeyMaterialRecord, KeyRecord } from '../../src/domain/key-model.js';
import type { GrantRecord } from '../../src/domain/grants.js';

let counter = 0;
function key(overrides: Partial<KeyRecord> = {}): KeyRecord {
  counter++;
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    keyId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    createdAt: 1_700_000_000_000,
    description: 'd',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    state: 'Enabled',
    multiRegion: false,
    policy: '{}',
    tags: [],
    currentMaterialVersion: 1,
    currentMaterialId: 'a'.repeat(64),
    revision: 1,
    ...overrides,
  };
}

function material(k: KeyRecord, version = 1): KeyMaterialRecord {
  return { accountId: k.accountId, region: k.region, keyId: k.keyId, version, materialId: 'b'.repeat(64), wrapped: Buffer.from([1, 2, 3, version]), createdAt: 1 };
}

export function storeContract(name: string, open: () => Promise<Stores>, cleanup: () => Promise<void> = async () => {}): void {
  describe(`store contract: ${name}`, () => {
    let stores: Stores;
    let store: KeyStore;
    beforeEach(async () => {
      stores = await open();
      store = stores.keys;
    });
    afterEach(async () => {
      await stores.close();
      await cleanup();
    });

    it('accounts: ensureAccount is idempotent and counted', async () => {
      const identity = stores.identity;
      assert.equal(await identity.countAccounts(), 0);
      assert.equal(await identity.ensureAccount('111122223333', 1), true);
      assert.equal(await identity.ensureAccount('111122223333', 2), false);
      assert.equal(await identity.countAccounts(), 1);
    });

    it('access keys round-trip with their wrapped secret as bytes', async () => {
      const identity = stores.identity;
      await identity.ensureAccount('111122223333', 1);
      const rec = { accessKeyId: 'AKIAEXAMPLE000000001', accountId: '111122223333', principalArn: 'arn:aws:iam::111122223333:root', principalType: 'Root' as const, wrappedSecret: Buffer.from([9, 8, 7]), status: 'Active' as const, createdAt: 5 };
      await identity.putAccessKey(rec);
      const got = await identity.getAccessKey(rec.accessKeyId);
      assert.deepEqual(got, rec);
      assert.ok(Buffer.isBuffer(got!.wrappedSecret));
      assert.equal(await identity.getAccessKey('AKIAUNKNOWN000000000'), undefined);
    });

    it('keys and material: create, get, scoped by account and region', async () => {
      const k = key({ tags: [{ TagKey: 'a', TagValue: 'b' }] });
      await store.createKey(k, material(k));
      assert.deepEqual(await store.getKey(k.accountId, k.region, k.keyId), k);
      assert.equal(await store.getKey(k.accountId, 'eu-west-1', k.keyId), undefined);
      assert.equal(await store.getKey('999999999999', k.region, k.keyId), undefined);
      const m = await store.getMaterial(k.accountId, k.region, k.keyId, 1);
      assert.deepEqual(m, material(k));
      assert.ok(Buffer.isBuffer(m!.wrapped));
      assert.equal(await store.getMaterial(k.accountId, k.region, k.keyId, 2), undefined);
    });

    it('createKey of an existing key id fails and changes nothing', async () => {
      const k = key();
      await store.createKey(k, material(k));
      await assert.rejects(store.createKey({ ...k, description: 'other' }, material(k)));
      assert.equal((await store.getKey(k.accountId, k.region, k.keyId))!.description, 'd');
    });

    it('updateKey is compare-and-set on revision', async () => {
      const k = key();
      await store.createKey(k, material(k));
      assert.equal(await store.updateKey({ ...k, description: 'v2', revision: 2 }), true);
      assert.equal(await store.updateKey({ ...k, description: 'stale', revision: 2 }), false);
      assert.equal(await store.updateKey({ ...k, description: 'skip', revision: 4 }), false);
      const got = (await store.getKey(k.accountId, k.region, k.keyId))!;
      assert.deepEqual([got.description, got.revision], ['v2', 2]);
    });

    it('listKeys pages in key id order', async () => {
      const keys = [key(), key(), key(), key(), key()];
      for (const k of keys) await store.createKey(k, material(k));
      const other = key({ region: 'eu-west-1' });
      await store.createKey(other, material(other));
      const first = await store.listKeys('111122223333', 'us-east-1', undefined, 2);
      assert.deepEqual(first.items.map((k) => k.keyId), keys.slice(0, 2).map((k) => k.keyId));
      const second = await store.listKeys('111122223333', 'us-east-1', first.next, 2);
      const third = await store.listKeys('111122223333', 'us-east-1', second.next, 2);
      assert.deepEqual(third.items.map((k) => k.keyId), [keys[4].keyId]);
      assert.equal(third.next, undefined);
    });

    it('counts keys by state', async () => {
      for (const state of ['Enabled', 'Enabled', 'Disabled'] as const) {
        const k = key({ state });
        await store.createKey(k, material(k));
      }
      assert.deepEqual(await store.countKeysByState(), { Enabled: 2, Disabled: 1 });
    });

    it('deletion: only due keys are listed and deleted, with material and aliases', async () => {
      const due = key({ state: 'PendingDeletion', deletionDate: 100 });
      const later = key({ state: 'PendingDeletion', deletionDate: 300 });
      const live = key();
      for (const k of [due, later, live]) await store.createKey(k, material(k));
      await store.createAlias({ accountId: due.accountId, region: due.region, aliasName: 'alias/due', targetKeyId: due.keyId, createdAt: 1, updatedAt: 1 });
      assert.deepEqual((await store.keysDueForDeletion(200, 10)).map((k) => k.keyId), [due.keyId]);
      assert.equal(await store.deleteKeyIfDue(later.accountId, later.region, later.keyId, 200), false);
      assert.equal(await store.deleteKeyIfDue(live.accountId, live.region, live.keyId, 200), false);
      assert.equal(await store.deleteKeyIfDue(due.accountId, due.region, due.keyId, 200), true);
      assert.equal(await store.getKey(due.accountId, due.region, due.keyId), undefined);
      assert.equal(await store.getMaterial(due.accountId, due.region, due.keyId, 1), undefined);
      assert.equal(await store.getAlias(due.accountId, due.region, 'alias/due'), undefined);
      assert.ok(await store.getKey(later.accountId, later.region, later.keyId));
    });

    it('imported material: a key without material, put and delete with the record, compare-and-set', async () => {
      const k = key({ origin: 'EXTERNAL', state: 'PendingImport', currentMaterialId: '' });
      await store.createKey(k);
      assert.deepEqual(await store.getKey(k.accountId, k.region, k.keyId), k);
      assert.equal(await store.getMaterial(k.accountId, k.region, k.keyId, 1), undefined);

      const imported: KeyRecord = { ...k, state: 'Enabled', currentMaterialId: 'c'.repeat(64), expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', revision: 2 };
      const m = { ...material(k), materialId: 'c'.repeat(64) };
      assert.equal(await store.putImportedMaterial({ ...imported, revision: 5 }, m), false);
      assert.equal(await store.getMaterial(k.accountId, k.region, k.keyId, 1), undefined, 'a stale revision stores no material');
      assert.equal(await store.putImportedMaterial(imported, m), true);
      assert.deepEqual(await store.getKey(k.accountId, k.region, k.keyId), imported);
      assert.deepEqual(await store.getMaterial(k.accountId, k.region, k.keyId, 1), m);

      // Reimport replaces the row of that version.
      const again = { ...imported, revision: 3 };
      const m2 = { ...m, wrapped: Buffer.from([7, 7]), createdAt: 9 };
      assert.equal(await store.putImportedMaterial(again, m2), true);
      assert.deepEqual(await store.getMaterial(k.accountId, k.region, k.keyId, 1), m2);

      const deleted: KeyRecord = { ...again, state: 'PendingImport', revision: 4 };
      delete deleted.expirationModel;
      assert.equal(await store.deleteImportedMaterial({ ...deleted, revision: 9 }, 1), false);
      assert.ok(await store.getMaterial(k.accountId, k.region, k.keyId, 1), 'a stale revision deletes nothing');
      assert.equal(await store.deleteImportedMaterial(deleted, 1), true);
      assert.deepEqual(await store.getKey(k.accountId, k.region, k.keyId), deleted);
      assert.equal(await store.getMaterial(k.accountId, k.region, k.keyId, 1), undefined);
    });

    it('imported material: keys whose material expired are listed soonest first, by their validTo', async () => {
      const soon = key({ origin: 'EXTERNAL', validTo: 100, expirationModel: 'KEY_MATERIAL_EXPIRES' });
      const sooner = key({ origin: 'EXTERNAL', validTo: 50, expirationModel: 'KEY_MATERIAL_EXPIRES' });
      const later = key({ origin: 'EXTERNAL', validTo: 300, expirationModel: 'KEY_MATERIAL_EXPIRES' });
      const never = key({ origin: 'EXTERNAL', expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
      for (const k of [soon, sooner, later, never]) await store.createKey(k, material(k));
      assert.deepEqual((await store.keysWithExpiredMaterial(200, 10)).map((k) => k.keyId), [sooner.keyId, soon.keyId]);
      assert.deepEqual((await store.keysWithExpiredMaterial(200, 1)).map((k) => k.keyId), [sooner.keyId]);
      // The due column follows the record through updateKey and deleteImportedMaterial.
      assert.equal(await store.updateKey({ ...later, validTo: 150, revision: 2 }), true);
      const cleared: KeyRecord = { ...soon, state: 'PendingImport', revision: 2 };
      delete cleared.validTo;
      assert.equal(await store.deleteImportedMaterial(cleared, 1), true);
      assert.deepEqual((await store.keysWithExpiredMaterial(200, 10)).map((k) => k.keyId), [sooner.keyId, later.keyId]);
    });

    it('multi-Region keys: replica with every material version, regions of a key, batch compare-and-set', async () => {
      const keyId = `mrk-${String(++counter).padStart(32, '0')}`;
      const primary = key({ keyId, multiRegion: true, primaryRegion: 'us-east-1', currentMaterialVersion: 2 });
      await store.createKey(primary, material(primary, 1));
      const single = key({ region: 'eu-west-1' });
      await store.createKey(single, material(single));
      const replica: KeyRecord = { ...primary, region: 'eu-west-1', policy: '{"r":1}' };
      const copies = [1, 2].map((v) => ({ ...material(primary, v), region: 'eu-west-1' }));
      assert.equal(await store.createReplicaKey(replica, copies), true);
      assert.equal(await store.createReplicaKey({ ...replica, description: 'again' }, copies), false);
      assert.deepEqual(await store.getKey(replica.accountId, 'eu-west-1', keyId), replica);
      assert.deepEqual((await store.listMaterials(replica.accountId, 'eu-west-1', keyId, 0, 10)).items, copies);
      assert.deepEqual((await store.listMaterials(primary.accountId, 'us-east-1', keyId, 0, 10)).items, [material(primary, 1)]);
      assert.deepEqual((await store.multiRegionKeys(primary.accountId, keyId)).map((k) => k.region), ['eu-west-1', 'us-east-1']);
      assert.deepEqual(await store.multiRegionKeys('999999999999', keyId), []);

      const swapped = [
        { ...primary, primaryRegion: 'eu-west-1', revision: 2 },
        { ...replica, primaryRegion: 'eu-west-1', revision: 2 },
      ];
      assert.equal(await store.updateKeys([{ ...swapped[0], revision: 2 }, { ...swapped[1], revision: 3 }]), false);
      assert.equal((await store.getKey(primary.accountId, 'us-east-1', keyId))!.revision, 1, 'a stale record rolls the whole batch back');
      assert.equal(await store.updateKeys(swapped), true);
      assert.deepEqual(
        (await store.multiRegionKeys(primary.accountId, keyId)).map((k) => [k.region, k.primaryRegion, k.revision]),
        [['eu-west-1', 'eu-west-1', 2], ['us-east-1', 'eu-west-1', 2]],
      );
    });

    it('rotation: addMaterialVersion adds a version and replaces the key atomically, compare-and-set on revision', async () => {
      const k = key();
      await store.createKey(k, material(k));
      const v2 = { ...material(k, 2), materialId: 'c'.repeat(64), rotationType: 'ON_DEMAND' as const, createdAt: 50 };
      const next = { ...k, currentMaterialVersion: 2, currentMaterialId: v2.materialId, revision: 2 };
      assert.equal(await store.addMaterialVersion(next, v2), true);
      const got = (await store.getKey(k.accountId, k.region, k.keyId))!;
      assert.deepEqual([got.currentMaterialVersion, got.currentMaterialId, got.revision], [2, v2.materialId, 2]);
      const stored = (await store.getMaterial(k.accountId, k.region, k.keyId, 2))!;
      assert.deepEqual([stored.materialId, stored.rotationType, stored.createdAt, [...stored.wrapped]], [v2.materialId, 'ON_DEMAND', 50, [1, 2, 3, 2]]);
      assert.equal((await store.getMaterial(k.accountId, k.region, k.keyId, 1))!.rotationType, undefined);

      // A stale revision adds nothing.
      const v3 = { ...material(k, 3), rotationType: 'AUTOMATIC' as const };
      assert.equal(await store.addMaterialVersion({ ...next, currentMaterialVersion: 3, revision: 2 }, v3), false);
      assert.equal(await store.getMaterial(k.accountId, k.region, k.keyId, 3), undefined);
      // An existing version is refused and the key is left as it was.
      assert.equal(await store.addMaterialVersion({ ...next, description: 'changed', revision: 3 }, { ...v2, materialId: 'd'.repeat(64) }), false);
      const after = (await store.getKey(k.accountId, k.region, k.keyId))!;
      assert.deepEqual([after.description, after.revision], ['d', 2]);
      assert.equal((await store.getMaterial(k.accountId, k.region, k.keyId, 2))!.materialId, v2.materialId);
    });

    it('multi-Region rotation: addMaterialVersions adds a version to every region atomically, CAS on each, and records peer pushes', async () => {
      const keyId = `mrk-${String(++counter).padStart(32, '0')}`;
      const primary = key({ keyId, multiRegion: true, primaryRegion: 'us-east-1' });
      await store.createKey(primary, material(primary));
      const replica: KeyRecord = { ...primary, region: 'eu-west-1' };
      assert.equal(await store.createReplicaKey(replica, [{ ...material(primary), region: 'eu-west-1' }]), true);
      const v2 = (k: KeyRecord) => ({ ...material(k, 2), materialId: 'e'.repeat(64), rotationType: 'ON_DEMAND' as const });
      const next = (k: KeyRecord, revision: number) => ({ ...k, currentMaterialVersion: 2, currentMaterialId: 'e'.repeat(64), revision });
      const push = { accountId: primary.accountId, keyId, peerRegion: 'ap-south-1', version: 2 };

      // One stale record rolls back every region's version and the push.
      assert.equal(await store.addMaterialVersions([next(primary, 2), next(replica, 3)], [v2(primary), v2(replica)], [push]), false);
      assert.equal(await store.getMaterial(primary.accountId, 'us-east-1', keyId, 2), undefined);
      assert.equal(await store.getMaterial(primary.accountId, 'eu-west-1', keyId, 2), undefined);
      assert.deepEqual(await store.pendingPeerPushes(10), []);

      assert.equal(await store.addMaterialVersions([next(primary, 2), next(replica, 2)], [v2(primary), v2(replica)], [push]), true);
      for (const region of ['us-east-1', 'eu-west-1']) {
        const got = (await store.getKey(primary.accountId, region, keyId))!;
        assert.deepEqual([got.currentMaterialVersion, got.revision], [2, 2]);
        assert.equal((await store.getMaterial(primary.accountId, region, keyId, 2))!.materialId, 'e'.repeat(64));
      }
      assert.deepEqual(await store.pendingPeerPushes(10), [push]);
      // An existing version in any region refuses the whole batch.
      assert.equal(await store.addMaterialVersions([{ ...next(primary, 3), description: 'x' }], [v2(primary)]), false);
      assert.equal((await store.getKey(primary.accountId, 'us-east-1', keyId))!.revision, 2);
      // A record alone (no new material) is a plain batch CAS.
      assert.equal(await store.addMaterialVersions([{ ...next(replica, 3), description: 'caught up' }], []), true);

      // A pending push's version only rises; clearing it for an older version keeps a newer one.
      assert.equal(await store.addMaterialVersions([], [], [{ ...push, version: 3 }]), true);
      assert.equal(await store.addMaterialVersions([], [], [{ ...push, version: 1 }]), true);
      assert.deepEqual(await store.pendingPeerPushes(10), [{ ...push, version: 3 }]);
      await store.clearPeerPush(push);
      assert.deepEqual(await store.pendingPeerPushes(10), [{ ...push, version: 3 }]);
      await store.clearPeerPush({ ...push, version: 3 });
      assert.deepEqual(await store.pendingPeerPushes(10), []);
    });

    it('rotation: two writers racing to add the same version, exactly one wins', async () => {
      const k = key();
      await store.createKey(k, material(k));
      const attempts = await Promise.all(
        ['c', 'd', 'e', 'f'].map((x) =>
          store.addMaterialVersion({ ...k, currentMaterialVersion: 2, currentMaterialId: x.repeat(64), revision: 2 }, { ...material(k, 2), materialId: x.repeat(64) }),
        ),
      );
      assert.equal(attempts.filter(Boolean).length, 1);
      const got = (await store.getKey(k.accountId, k.region, k.keyId))!;
      assert.equal(got.currentMaterialId, (await store.getMaterial(k.accountId, k.region, k.keyId, 2))!.materialId);
    });

    it('rotation: listMaterials pages a key\'s versions in version order', async () => {
      const k = key();
      const other = key();
      await store.createKey(k, material(k));
      await store.createKey(other, material(other));
      let current = k;
      for (let v = 2; v <= 5; v++) {
        const next = { ...current, currentMaterialVersion: v, revision: current.revision + 1 };
        assert.equal(await store.addMaterialVersion(next, material(k, v)), true);
        current = next;
      }
      const first = await store.listMaterials(k.accountId, k.region, k.keyId, 0, 2);
      assert.deepEqual(first.items.map((m) => m.version), [1, 2]);
      assert.ok(first.next);
      const second = await store.listMaterials(k.accountId, k.region, k.keyId, Number(first.next), 2);
      assert.deepEqual(second.items.map((m) => m.version), [3, 4]);
      const third = await store.listMaterials(k.accountId, k.region, k.keyId, Number(second.next), 2);
      assert.deepEqual(third.items.map((m) => m.version), [5]);
      assert.equal(third.next, undefined);
      assert.deepEqual((await store.listMaterials(other.accountId, other.region, other.keyId, 0, 10)).items.map((m) => m.version), [1]);
    });

    it('rotation: keysDueForRotation lists Enabled keys with automatic rotation due, earliest first, following updates', async () => {
      const rotation = (next: number, automatic = true) => ({ automatic, periodDays: 365, nextRotationDate: next, anchor: 0, onDemandCount: 0 });
      const late = key({ rotation: rotation(150) });
      const early = key({ rotation: rotation(100) });
      const notYet = key({ rotation: rotation(300) });
      const disabled = key({ state: 'Disabled', rotation: rotation(100) });
      const off = key({ rotation: rotation(100, false) });
      const never = key();
      for (const k of [late, early, notYet, disabled, off, never]) await store.createKey(k, material(k));
      assert.deepEqual((await store.keysDueForRotation(200, 10)).map((k) => k.keyId), [early.keyId, late.keyId]);
      assert.deepEqual((await store.keysDueForRotation(200, 1)).map((k) => k.keyId), [early.keyId]);
      // Updates move the indexed date: disabling rotation, re-enabling the key, a new date.
      assert.equal(await store.updateKey({ ...early, rotation: rotation(100, false), revision: 2 }), true);
      assert.equal(await store.updateKey({ ...disabled, state: 'Enabled', revision: 2 }), true);
      assert.equal(await store.updateKey({ ...notYet, rotation: rotation(180), revision: 2 }), true);
      assert.deepEqual((await store.keysDueForRotation(200, 10)).map((k) => k.keyId).sort(), [late.keyId, disabled.keyId, notYet.keyId].sort());
      // A rotation that moves the date on takes the key off the list.
      const rotated = { ...late, currentMaterialVersion: 2, rotation: rotation(1000), revision: 2 };
      assert.equal(await store.addMaterialVersion(rotated, material(late, 2)), true);
      assert.ok(!(await store.keysDueForRotation(200, 10)).some((k) => k.keyId === late.keyId));
    });

    it('scheduler leases: one owner at a time, renewable, taken over after expiry, released', async () => {
      assert.equal(await store.acquireLease('key-rotation', 'node-a', 1000, 500), true);
      assert.equal(await store.acquireLease('key-rotation', 'node-b', 1200, 500), false);
      assert.equal(await store.acquireLease('key-deletion', 'node-b', 1200, 500), true, 'leases are per name');
      assert.equal(await store.acquireLease('key-rotation', 'node-a', 1400, 500), true, 'the owner renews');
      assert.equal(await store.acquireLease('key-rotation', 'node-b', 1800, 500), false, 'renewed until 1900');
      assert.equal(await store.acquireLease('key-rotation', 'node-b', 1900, 500), true, 'expired: taken over');
      await store.releaseLease('key-rotation', 'node-a');
      assert.equal(await store.acquireLease('key-rotation', 'node-a', 2000, 500), false, 'release by a non-owner changes nothing');
      await store.releaseLease('key-rotation', 'node-b');
      assert.equal(await store.acquireLease('key-rotation', 'node-a', 2000, 500), true);
    });

    it('scheduler leases: of owners racing for a free lease exactly one wins', async () => {
      const owners = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
      const won = await Promise.all(owners.map((o) => store.acquireLease('race', o, 5000, 1000)));
      assert.equal(won.filter(Boolean).length, 1);
    });

    it('aliases: unique per account and region, update, delete, list by key with paging', async () => {
      const a = key();
      const b = key();
      const base = { accountId: a.accountId, region: a.region, createdAt: 1, updatedAt: 1 };
      assert.equal(await store.createAlias({ ...base, aliasName: 'alias/x', targetKeyId: a.keyId }), true);
      assert.equal(await store.createAlias({ ...base, aliasName: 'alias/x', targetKeyId: b.keyId }), false);
      assert.equal(await store.createAlias({ ...base, region: 'eu-west-1', aliasName: 'alias/x', targetKeyId: b.keyId }), true);
      assert.equal(await store.createAlias({ ...base, aliasName: 'alias/y', targetKeyId: a.keyId }), true);
      assert.equal(await store.createAlias({ ...base, aliasName: 'alias/z', targetKeyId: b.keyId }), true);
      assert.equal(await store.countAliasesForKey(a.accountId, a.region, a.keyId), 2);
      assert.equal(await store.updateAlias({ ...base, aliasName: 'alias/x', targetKeyId: b.keyId, updatedAt: 9 }), true);
      assert.equal(await store.updateAlias({ ...base, aliasName: 'alias/none', targetKeyId: b.keyId }), false);
      assert.deepEqual(await store.getAlias(a.accountId, a.region, 'alias/x'), { ...base, aliasName: 'alias/x', targetKeyId: b.keyId, updatedAt: 9 });
      const page = await store.listAliases(a.accountId, a.region, undefined, undefined, 2);
      assert.deepEqual(page.items.map((x) => x.aliasName), ['alias/x', 'alias/y']);
      const rest = await store.listAliases(a.accountId, a.region, undefined, page.next, 2);
      assert.deepEqual(rest.items.map((x) => x.aliasName), ['alias/z']);
      assert.equal(rest.next, undefined);
      assert.deepEqual((await store.listAliases(a.accountId, a.region, b.keyId, undefined, 10)).items.map((x) => x.aliasName), ['alias/x', 'alias/z']);
      assert.equal(await store.deleteAlias(a.accountId, a.region, 'alias/x'), true);
      assert.equal(await store.deleteAlias(a.accountId, a.region, 'alias/x'), false);
    });

    it('grants: create, list by key and by retiring principal with paging, find by id, delete, removed with the key', async () => {
      const k = key({ state: 'PendingDeletion', deletionDate: 10 });
      await store.createKey(k, material(k));
      const grant = (n: number, retiring?: string): GrantRecord => ({
        accountId: k.accountId, region: k.region, keyId: k.keyId, grantId: String(n).padStart(64, '0'),
        granteePrincipal: 'arn:aws:iam::111122223333:role/app', operations: ['Decrypt'],
        issuingAccount: 'arn:aws:iam::111122223333:root', createdAt: n, tokenHash: 'f'.repeat(64),
        ...(retiring ? { retiringPrincipal: retiring } : {}),
        ...(n === 1 ? { name: 'named' } : {}),
        ...(n === 2 ? { constraints: { EncryptionContextSubset: { a: 'b' } } } : {}),
      });
      const ops = 'arn:aws:iam::111122223333:user/ops';
      for (const n of [3, 1, 2]) await store.createGrant(grant(n, n === 2 ? undefined : ops));
      assert.deepEqual((await store.grantsForKey(k.accountId, k.region, k.keyId)).map((g) => g.grantId), [grant(1).grantId, grant(2).grantId, grant(3).grantId]);
      assert.deepEqual(await store.grantById(grant(2).grantId), grant(2, undefined));
      assert.equal(await store.grantById('9'.repeat(64)), undefined);
      const first = await store.listGrants(k.accountId, k.region, k.keyId, undefined, 2);
      assert.equal(first.items.length, 2);
      const rest = await store.listGrants(k.accountId, k.region, k.keyId, first.next, 2);
      assert.deepEqual(rest.items.map((g) => g.grantId), [grant(3).grantId]);
      assert.equal(rest.next, undefined);
      const retirable = await store.listRetirableGrants(k.accountId, k.region, 'arn:aws:iam::111122223333:user/ops', undefined, 10);
      assert.deepEqual(retirable.items.map((g) => g.grantId), [grant(1).grantId, grant(3).grantId]);
      assert.equal(await store.deleteGrant(k.accountId, k.region, k.keyId, grant(1).grantId), true);
      assert.equal(await store.deleteGrant(k.accountId, k.region, k.keyId, grant(1).grantId), false);
      assert.equal(await store.deleteKeyIfDue(k.accountId, k.region, k.keyId, 20), true);
      assert.deepEqual(await store.grantsForKey(k.accountId, k.region, k.keyId), []);
    });
  });
}

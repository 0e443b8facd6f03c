/** The per-version model of imported key material (domain/imported-materials.ts), including records written before it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allAssociatedImported,
  describedExpiry,
  importedMaterialsOf,
  materialStateOf,
  pendingRotationOf,
  withImportedMaterials,
} from '../../src/domain/imported-materials.js';
import type { KeyRecord } from '../../src/domain/key-model.js';

function externalKey(fields: Partial<KeyRecord> = {}): KeyRecord {
  return {
    accountId: '111122223333', region: 'us-east-1', keyId: 'k', createdAt: 0, description: '', keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT', origin: 'EXTERNAL', state: 'Enabled', multiRegion: false, policy: '{}', tags: [],
    currentMaterialVersion: 0, currentMaterialId: '', revision: 1, ...fields,
  };
}

describe('imported key material versions', () => {
  it('a record written before per-version tracking reads as one version with the key\'s expiry', () => {
    const legacy = externalKey({ currentMaterialVersion: 1, currentMaterialId: 'a'.repeat(64), expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: 5000 });
    assert.deepEqual(importedMaterialsOf(legacy), [{ version: 1, materialId: 'a'.repeat(64), imported: true, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: 5000 }]);
    assert.equal(allAssociatedImported(legacy), true);
    const deleted = externalKey({ state: 'PendingImport', currentMaterialVersion: 1, currentMaterialId: 'a'.repeat(64) });
    assert.deepEqual(importedMaterialsOf(deleted).map((m) => m.imported), [false]);
    assert.equal(allAssociatedImported(deleted), false);
    assert.deepEqual(importedMaterialsOf(externalKey()), []);
    assert.equal(allAssociatedImported(externalKey()), false);
  });

  it('states, the indexed expiry over every version, and DescribeKey\'s expiry over the associated ones', () => {
    const key = externalKey({ currentMaterialVersion: 2, currentMaterialId: 'b' });
    withImportedMaterials(key, [
      { version: 3, materialId: 'c', imported: true, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: 100 },
      { version: 1, materialId: 'a', imported: true, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
      { version: 2, materialId: 'b', imported: true, expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: 900 },
    ]);
    assert.deepEqual(key.importedMaterials!.map((m) => [m.materialId, materialStateOf(key, m)]), [['a', 'NON_CURRENT'], ['b', 'CURRENT'], ['c', 'PENDING_ROTATION']]);
    assert.equal(pendingRotationOf(key)?.materialId, 'c');
    assert.deepEqual([key.expirationModel, key.validTo], ['KEY_MATERIAL_EXPIRES', 100], 'the sweep finds the pending version first');
    assert.deepEqual(describedExpiry(key), { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: 900 });

    withImportedMaterials(key, [
      { version: 1, materialId: 'a', imported: false },
      { version: 2, materialId: 'b', imported: true, expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    ]);
    assert.deepEqual([key.expirationModel, key.validTo], ['KEY_MATERIAL_DOES_NOT_EXPIRE', undefined]);
    assert.equal(allAssociatedImported(key), false);
    assert.equal(pendingRotationOf(key), undefined);
    withImportedMaterials(key, [{ version: 1, materialId: 'a', imported: false }, { version: 2, materialId: 'b', imported: false }]);
    assert.deepEqual([key.expirationModel, describedExpiry(key)], [undefined, {}]);
  });
});

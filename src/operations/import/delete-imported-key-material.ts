/**
 * DeleteImportedKeyMaterial: removes one version of the imported material of
 * a key of origin EXTERNAL (see remove-imported-material.ts): the version
 * KeyMaterialId names (NotFoundException if the key has no such version), or
 * the current one. Deleting material that is already gone changes nothing.
 * Deleting a multi-Region primary's material pending rotation deletes it from
 * the replicas in this store as well.
 */
import { err } from '../../domain/errors.js';
import { importedMaterialsOf } from '../../domain/imported-materials.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { Handler } from '../context.js';
import { resolveKey } from '../key-resolver.js';
import { requireExternalOrigin } from './import-rules.js';
import { removeImportedMaterial } from './remove-imported-material.js';
import { removePendingFromReplicas } from '../multi-region/imported-rotation.js';

export const deleteImportedKeyMaterial: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'DeleteImportedKeyMaterial', key, arn });
  requireExternalOrigin(key, arn);
  assertStateAllows('manageAlways', key.state, arn);
  const materialId: string = input.KeyMaterialId ?? key.currentMaterialId;
  if (input.KeyMaterialId !== undefined && !importedMaterialsOf(key).some((m) => m.materialId === materialId)) {
    throw err.notFound(`Key material ${input.KeyMaterialId} is not associated with ${arn}.`);
  }
  // A multi-Region primary's material pending rotation goes from its replicas too.
  await removePendingFromReplicas(key, materialId, deps);
  await removeImportedMaterial(key, deps, (k) => importedMaterialsOf(k).find((m) => m.materialId === materialId));
  const out: Record<string, unknown> = { KeyId: arn };
  if (materialId !== '') out.KeyMaterialId = materialId;
  return out;
};

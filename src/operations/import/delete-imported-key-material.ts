/**
 * DeleteImportedKeyMaterial: removes the imported material of a key of
 * origin EXTERNAL (see remove-imported-material.ts). Deleting from a key that
 * holds none changes nothing. KeyMaterialId, when given, must name the key's
 * material.
 */
import { err } from '../../domain/errors.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { Handler } from '../context.js';
import { resolveKey } from '../key-resolver.js';
import { requireExternalOrigin } from './import-rules.js';
import { removeImportedMaterial } from './remove-imported-material.js';

export const deleteImportedKeyMaterial: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'DeleteImportedKeyMaterial', key, arn });
  requireExternalOrigin(key, arn);
  assertStateAllows('manageAlways', key.state, arn);
  if (input.KeyMaterialId !== undefined && input.KeyMaterialId !== key.currentMaterialId) {
    throw err.notFound(`Key material ${input.KeyMaterialId} is not associated with ${arn}.`);
  }
  await removeImportedMaterial(key, deps, () => true);
  const out: Record<string, unknown> = { KeyId: arn };
  if (key.currentMaterialId !== '') out.KeyMaterialId = key.currentMaterialId;
  return out;
};

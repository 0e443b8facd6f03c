/**
 * EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
 * RotateKeyOnDemand and ListKeyRotations. Each authorizes kms:<Operation> on
 * the key, then applies AWS's rules on key type (rotation-rules.ts) and key
 * state: changing rotation needs an Enabled key (DisabledException,
 * KMSInvalidStateException otherwise); reading it works in any state.
 */
import { err } from '../../domain/errors.js';
import type { KeyMaterialRecord, KeyRecord } from '../../domain/key-model.js';
import { assertStateAllows } from '../../domain/key-state.js';
import type { Deps, Handler, Input, RequestContext } from '../context.js';
import type { KmsRequestFacts } from '../authorization/condition-keys.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import { resolveKey } from '../key-resolver.js';
import { mutateKey } from '../mutate-key.js';
import { decodeMarker, encodeMarker, pageLimit } from '../paging.js';
import { toEpochSeconds } from '../key-metadata.js';
import {
  assertAutomaticRotationAllowed,
  assertRotatableKey,
  DEFAULT_ROTATION_PERIOD_DAYS,
  ON_DEMAND_ROTATION_LIMIT,
  onDemandLimitReached,
  rotationOf,
  withAutomaticRotation,
  withoutAutomaticRotation,
} from './rotation-rules.js';
import { rotateMaterial } from './rotate-material.js';
import { importedRotations, rotateToPendingMaterial } from './imported-rotation.js';
import { pendingRotationOf } from '../../domain/imported-materials.js';
import { assertNotReplica, reportedRotation } from '../multi-region/replica-rotation.js';
import { writeWithPeerPushes } from '../multi-region/rotation-replication.js';
import { pushToPeers } from '../multi-region/material-push.js';
import { listedImportedKey, rotateRegionsToPending } from '../multi-region/imported-rotation.js';

/**
 * EnableKeyRotation and DisableKeyRotation: `change` gives the key's new
 * rotation settings; replicas in peer deployments learn them at once (they
 * report them in GetKeyRotationStatus).
 */
async function changeAutomaticRotation(
  input: Input,
  ctx: RequestContext,
  deps: Deps,
  action: 'EnableKeyRotation' | 'DisableKeyRotation',
  change: (rotation: ReturnType<typeof rotationOf>) => KeyRecord['rotation'],
  facts?: KmsRequestFacts,
): Promise<Record<string, never>> {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action, key, arn, ...(facts ? { facts } : {}) });
  assertNotReplica(key, arn);
  const updated = await mutateKey(
    key,
    deps,
    (k) => {
      assertAutomaticRotationAllowed(k, arn);
      assertStateAllows('use', k.state, arn);
      k.rotation = change(rotationOf(k));
      return k;
    },
    writeWithPeerPushes(deps),
  );
  await pushToPeers(updated, deps);
  return {};
}

export const enableKeyRotation: Handler = (input, ctx, deps) => {
  const periodDays: number = input.RotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
  return changeAutomaticRotation(
    input,
    ctx,
    deps,
    'EnableKeyRotation',
    (rotation) => withAutomaticRotation(rotation, periodDays, deps.clock.now()),
    { rotationPeriodInDays: periodDays },
  );
};

export const disableKeyRotation: Handler = (input, ctx, deps) =>
  changeAutomaticRotation(input, ctx, deps, 'DisableKeyRotation', (rotation) => withoutAutomaticRotation(rotation));

/**
 * While a key is pending deletion its rotation status reads false (AWS); the
 * stored setting returns if the deletion is cancelled. On-demand rotation
 * completes within its request, so OnDemandRotationStartDate (an on-demand
 * rotation in progress) is never reported.
 */
export const getKeyRotationStatus: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'GetKeyRotationStatus', key, arn });
  assertRotatableKey(key, arn);
  // A multi-Region replica reports its primary's settings.
  const rotation = rotationOf({ ...key, rotation: await reportedRotation(key, deps) });
  const enabled = rotation.automatic && key.state !== 'PendingDeletion' && key.state !== 'PendingReplicaDeletion';
  const out: Record<string, unknown> = { KeyId: arn, KeyRotationEnabled: enabled };
  if (enabled) {
    out.RotationPeriodInDays = rotation.periodDays;
    if (rotation.nextRotationDate !== undefined) out.NextRotationDate = toEpochSeconds(rotation.nextRotationDate);
  }
  return out;
};

export const rotateKeyOnDemand: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'RotateKeyOnDemand', key, arn });
  assertNotReplica(key, arn);
  const check = (k: typeof key) => {
    assertRotatableKey(k, arn);
    assertStateAllows('use', k.state, arn);
    // Imported key material rotates to material imported for the purpose (imported-rotation.ts).
    if (k.origin === 'EXTERNAL' && !pendingRotationOf(k)) throw err.invalidState(`No available key material pending rotation for the key: ${arn}.`);
    if (rotationOf(k).onDemandCount >= ON_DEMAND_ROTATION_LIMIT) throw onDemandLimitReached(arn);
  };
  check(key);
  if (key.origin === 'EXTERNAL' && key.multiRegion) {
    // Every region of the key switches to the pending material at once.
    await rotateRegionsToPending(deps, key, arn, check);
    return { KeyId: arn };
  }
  if (key.origin === 'EXTERNAL') {
    await rotateToPendingMaterial(deps, key, check);
    return { KeyId: arn };
  }
  await rotateMaterial(deps, key, {
    type: 'ON_DEMAND',
    change: (k) => {
      check(k);
      const rotation = rotationOf(k);
      k.rotation = { ...rotation, onDemandCount: rotation.onDemandCount + 1 };
      return k;
    },
  });
  return { KeyId: arn };
};

const LIST_DEFAULT_LIMIT = 100;
const LIST_MAX_LIMIT = 1000;

/**
 * ROTATIONS_ONLY (the default) lists the versions rotations made;
 * ALL_KEY_MATERIAL adds the key's first material (and, for imported
 * material, a version pending rotation). Generated material has no import
 * state, expiration or description, so those members are absent for it.
 */
export const listKeyRotations: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ListKeyRotations', key, arn });
  assertRotatableKey(key, arn);
  const all = input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL';
  const limit = pageLimit(input.Limit, LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT);
  const position = decodeMarker(input.Marker);
  const after = position === undefined ? 0 : Number(position);
  if (!Number.isSafeInteger(after) || after < 0) throw err.validation('Invalid marker');
  if (key.origin === 'EXTERNAL') {
    const listed = await listedImportedKey(key, deps);
    const imported = importedRotations(listed.key, all, after, limit, listed.awaitingReplicas);
    return imported.next === undefined
      ? { Rotations: imported.items, Truncated: false }
      : { Rotations: imported.items, NextMarker: encodeMarker(imported.next), Truncated: true };
  }
  const page = await deps.store.listMaterials(key.accountId, key.region, key.keyId, all ? after : Math.max(after, 1), limit);
  const rotations = page.items.map((m) => rotationEntry(key.keyId, m, key.currentMaterialVersion));
  return page.next === undefined ? { Rotations: rotations, Truncated: false } : { Rotations: rotations, NextMarker: encodeMarker(page.next), Truncated: true };
};

function rotationEntry(keyId: string, m: KeyMaterialRecord, currentVersion: number): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    KeyId: keyId,
    KeyMaterialId: m.materialId,
    KeyMaterialState: m.version === currentVersion ? 'CURRENT' : 'NON_CURRENT',
  };
  if (m.rotationType !== undefined) {
    entry.RotationDate = toEpochSeconds(m.createdAt);
    entry.RotationType = m.rotationType;
  }
  return entry;
}

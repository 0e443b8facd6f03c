/** EnableKey, DisableKey, UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion. */
import { allAssociatedImported } from '../../domain/imported-materials.js';
import { err } from '../../domain/errors.js';
import { assertStateAllows } from '../../domain/key-state.js';
import type { Handler } from '../context.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import { resolveKey } from '../key-resolver.js';
import { mutateKey } from '../mutate-key.js';
import { hasReplicas } from '../multi-region/replica-deletion.js';

const DAY_MS = 86_400_000;

export const enableKey: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'EnableKey', key, arn });
  await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    if (k.state === 'PendingImport') throw err.invalidState(`${arn} is pending import.`);
    k.state = 'Enabled';
    return k;
  });
  return {};
};

export const disableKey: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'DisableKey', key, arn });
  await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    if (k.state === 'PendingImport') throw err.invalidState(`${arn} is pending import.`);
    k.state = 'Disabled';
    return k;
  });
  return {};
};

export const updateKeyDescription: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'UpdateKeyDescription', key, arn });
  await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    k.description = input.Description;
    return k;
  });
  return {};
};

export const scheduleKeyDeletion: Handler = async (input, ctx, deps) => {
  const days: number = input.PendingWindowInDays ?? 30;
  if (days < 7 || days > 30) {
    throw err.validation(`PendingWindowInDays should be between 7 and 30, but it is ${days}`);
  }
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ScheduleKeyDeletion', key, arn, facts: { pendingWindowInDays: days } });
  const waitForReplicas = await hasReplicas(key, deps);
  const updated = await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    k.pendingWindowDays = days;
    if (waitForReplicas) {
      k.state = 'PendingReplicaDeletion';
      delete k.deletionDate;
      return k;
    }
    k.state = 'PendingDeletion';
    k.deletionDate = deps.clock.now() + days * DAY_MS;
    return k;
  });
  if (waitForReplicas) return { KeyId: arn, KeyState: 'PendingReplicaDeletion', PendingWindowInDays: days };
  return {
    KeyId: arn,
    DeletionDate: (updated.deletionDate as number) / 1000,
    KeyState: 'PendingDeletion',
    PendingWindowInDays: days,
  };
};

export const cancelKeyDeletion: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'CancelKeyDeletion', key, arn });
  await mutateKey(key, deps, (k) => {
    if (k.state !== 'PendingDeletion' && k.state !== 'PendingReplicaDeletion') throw err.invalidState(`${arn} is not pending deletion.`);
    // A key of origin EXTERNAL whose material was deleted or expired meanwhile awaits reimport.
    k.state = k.origin === 'EXTERNAL' && !allAssociatedImported(k) ? 'PendingImport' : 'Disabled';
    delete k.deletionDate;
    delete k.pendingWindowDays;
    return k;
  });
  return { KeyId: arn };
};

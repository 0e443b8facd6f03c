/**
 * Which keys rotate, and the limits AWS KMS sets on rotation. Pure.
 *
 * Only symmetric encryption keys (SYMMETRIC_DEFAULT) rotate. Automatic
 * rotation is for keys whose material KMS generated (origin AWS_KMS); keys in
 * a custom key store never rotate; keys with imported material (EXTERNAL)
 * rotate only on demand, to material imported for that purpose.
 */
import { err } from '../../domain/errors.js';
import type { KeyRecord, RotationState } from '../../domain/key-model.js';

export const DEFAULT_ROTATION_PERIOD_DAYS = 365;
/** On-demand rotations allowed per key (AWS's resource quota; not adjustable). */
export const ON_DEMAND_ROTATION_LIMIT = 25;
export const DAY_MS = 86_400_000;

const CUSTOM_KEY_STORE_ORIGINS: ReadonlySet<string> = new Set(['AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE']);

function originNotValid(arn: string, origin: string) {
  return err.unsupported(`${arn} origin is ${origin} which is not valid for this operation.`);
}

/**
 * Refuses keys that have no rotation at all: asymmetric and HMAC keys (AWS
 * answers UnsupportedOperationException with an empty message) and keys in a
 * custom key store.
 */
export function assertRotatableKey(key: KeyRecord, arn: string): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.keyUsage !== 'ENCRYPT_DECRYPT') throw err.unsupported('');
  if (CUSTOM_KEY_STORE_ORIGINS.has(key.origin)) throw originNotValid(arn, key.origin);
}

/** EnableKeyRotation and DisableKeyRotation: also refuses keys with imported material. */
export function assertAutomaticRotationAllowed(key: KeyRecord, arn: string): void {
  assertRotatableKey(key, arn);
  if (key.origin !== 'AWS_KMS') throw originNotValid(arn, key.origin);
}

export function onDemandLimitReached(arn: string) {
  return err.limitExceeded(
    `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${arn}`,
  );
}

/** The key's rotation state, or the state of a key that never rotated. */
export function rotationOf(key: KeyRecord): RotationState {
  return key.rotation ?? { automatic: false, periodDays: DEFAULT_ROTATION_PERIOD_DAYS, onDemandCount: 0 };
}

/** The state after automatic rotation is (re-)enabled at `now` with `periodDays`. */
export function withAutomaticRotation(current: RotationState, periodDays: number, now: number): RotationState {
  // Already enabled: a new period counts from the same anchor (the enable date or last automatic rotation).
  const anchor = current.automatic && current.anchor !== undefined ? current.anchor : now;
  return { ...current, automatic: true, periodDays, anchor, nextRotationDate: anchor + periodDays * DAY_MS };
}

export function withoutAutomaticRotation(current: RotationState): RotationState {
  const next: RotationState = { ...current, automatic: false };
  delete next.nextRotationDate;
  delete next.anchor;
  return next;
}

/**
 * The state after an automatic rotation at `now`: the next one is a period
 * later (so a key whose date passed while nothing ran rotates once, then
 * keeps its period from now).
 */
export function afterAutomaticRotation(current: RotationState, now: number): RotationState {
  return { ...current, anchor: now, nextRotationDate: now + current.periodDays * DAY_MS };
}

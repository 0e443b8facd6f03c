/**
 * GetKeyLastUsage: the most recent successful cryptographic operation with a
 * key (one of KMS's KeyLastUsageTrackingOperation values), its time and its
 * CloudTrail event id, answered from the audit trail.
 *
 * TrackingStartDate is when the trail's oldest remaining event happened, or
 * the key's creation date if that is later: before it, the trail cannot say.
 * Only events at or after the key's creation are read, so a key never used
 * costs a scan of the trail since its creation, not of the whole trail.
 */
import { err } from '../domain/errors.js';
import { authorizeKeyAction } from './authorization/authorize.js';
import type { Handler } from './context.js';
import { toEpochSeconds } from './key-metadata.js';
import { resolveKey } from './key-resolver.js';

export const getKeyLastUsage: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'GetKeyLastUsage', key, arn });
  if (!deps.keyUsage) throw err.unsupported('GetKeyLastUsage needs the audit trail, which this server does not read.');
  // Event times are whole seconds: a use in the second the key was created is at or after that second.
  const notBefore = Math.floor(key.createdAt / 1000) * 1000;
  const [usage, oldest] = await Promise.all([deps.keyUsage.lastUsage(arn, { notBefore }), deps.keyUsage.trackingStart()]);
  const trackingStart = Math.max(key.createdAt, oldest ?? key.createdAt);
  const out: Record<string, unknown> = {
    KeyId: arn,
    TrackingStartDate: toEpochSeconds(trackingStart),
    KeyCreationDate: toEpochSeconds(key.createdAt),
  };
  if (usage) {
    out.KeyLastUsage = {
      Operation: usage.operation,
      Timestamp: toEpochSeconds(usage.time),
      CloudTrailEventId: usage.eventId,
      ...(usage.requestId !== undefined ? { KmsRequestId: usage.requestId } : {}),
    };
  }
  return out;
};

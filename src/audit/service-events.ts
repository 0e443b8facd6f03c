/**
 * Actions Trent takes by itself, recorded as CloudTrail service events
 * (eventType AwsServiceEvent, caller "AWS Internal"), with the names
 * CloudTrail gives them for KMS. The scheduler records each one before it
 * acts (fail closed: if the event cannot be recorded, the action waits for
 * the next run).
 *
 * Automatic rotation (operations/scheduler/key-rotation-job.ts) records
 * ROTATE_KEY with `serviceEventDetails` { rotationType, keyOrigin,
 * previousKeyMaterialId, currentKeyMaterialId }, as CloudTrail shows it.
 * Expiry of imported key material records DELETE_EXPIRED_KEY_MATERIAL (with
 * `additionalEventData: { keyMaterialId }` of the material removed) the same
 * way, as a scheduler job (operations/scheduler/jobs.ts).
 */
import { keyArn } from '../domain/key-ids.js';
import type { AuditSink } from '../ports/audit-sink.js';
import { buildServiceEvent } from './build.js';
import type { JsonObject } from './event.js';

/** A key deleted at the end of its waiting period (ScheduleKeyDeletion). */
export const DELETE_KEY = 'DeleteKey';
/** A key's material rotated by automatic rotation. */
export const ROTATE_KEY = 'RotateKey';
/** Imported key material deleted when it expired (ValidTo). */
export const DELETE_EXPIRED_KEY_MATERIAL = 'DeleteExpiredKeyMaterial';

export interface KeyServiceEvent {
  operation: typeof DELETE_KEY | typeof ROTATE_KEY | typeof DELETE_EXPIRED_KEY_MATERIAL;
  key: { accountId: string; region: string; keyId: string };
  time: number;
  additionalEventData?: JsonObject;
  serviceEventDetails?: JsonObject;
}

/**
 * Records a service event about a key in `sink` (a no-op when auditing is
 * off). Rejects when the event cannot be recorded: the caller must then not
 * act.
 */
export async function recordKeyServiceEvent(sink: AuditSink | undefined, e: KeyServiceEvent): Promise<void> {
  if (!sink) return;
  await sink.record(
    buildServiceEvent({
      operation: e.operation,
      accountId: e.key.accountId,
      region: e.key.region,
      time: e.time,
      keyArns: [keyArn(e.key.region, e.key.accountId, e.key.keyId)],
      ...(e.additionalEventData ? { additionalEventData: e.additionalEventData } : {}),
      ...(e.serviceEventDetails ? { serviceEventDetails: e.serviceEventDetails } : {}),
    }),
  );
}

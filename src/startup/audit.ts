/**
 * Start-up of the audit trail (composition root: main.ts): the sink a
 * process writes, the repair and sealing of trails an earlier run with more
 * workers left, and what GetKeyLastUsage and /metrics read from the trail.
 */
import { FileAuditSink, type AuditSinkStats } from '../adapters/audit/file-sink.js';
import { sealOrphanTrails } from '../adapters/audit/orphan-trails.js';
import type { AuditReader } from '../adapters/audit/query.js';
import type { SignatureAlgorithm } from '../adapters/audit/signing-key.js';
import { Cached } from '../adapters/http/observability.js';
import type { Logger } from '../adapters/logger.js';
import type { KeyUsageHistory } from '../operations/context.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';

/** GetKeyLastUsage's TrackingStartDate (the trail's oldest event) is re-read at most this often. */
const TRACKING_START_TTL_MS = 60_000;

type TrailRootKey = Parameters<typeof FileAuditSink.open>[0]['rootKey'];

export interface AuditChoice {
  /** An injected sink, 'off', or undefined for the file trail. */
  audit?: AuditSink | 'off';
  auditRotationMs?: number;
  auditSigningAlgorithm?: SignatureAlgorithm;
}

/** The sink this process records into: undefined with audit 'off' (logged loudly), the injected one, or its own file trail. */
export async function openAuditSink(
  options: AuditChoice,
  trailDir: string,
  shareSigningKeyOf: string | undefined,
  rootKey: TrailRootKey,
  clock: Clock,
  logger: Logger,
): Promise<AuditSink | undefined> {
  if (options.audit === 'off') {
    logger.warn('AUDIT TRAIL OFF: requests are served without audit events (--audit off); never run this way in production');
    return undefined;
  }
  if (options.audit) return options.audit;
  const sink = await FileAuditSink.open({
    trailDir,
    rootKey,
    clock,
    rotationIntervalMs: options.auditRotationMs,
    algorithm: options.auditSigningAlgorithm,
    ...(shareSigningKeyOf !== undefined ? { shareSigningKeyOf } : {}),
    onWarning: (message, fields) => logger.warn(message, fields),
  });
  if (sink.report.createdTrail) logger.info('audit trail created', { trailDir, signingKeyFingerprint: sink.fingerprint });
  else logger.info('audit trail opened', { trailDir, signingKeyFingerprint: sink.fingerprint });
  for (const r of sink.report.recoveries) logger.warn('audit trail repaired at start-up', { ...r });
  return sink;
}

/** Trails of worker numbers above `writers` (an earlier run had more workers): repaired if a crash left them open, and sealed. */
export async function sealTrailsOfFormerWorkers(dataDir: string, writers: number, rootKey: TrailRootKey, clock: Clock, logger: Logger): Promise<void> {
  for (const { trailDir, recoveries } of await sealOrphanTrails(dataDir, writers, rootKey, clock)) {
    for (const r of recoveries) logger.warn('audit trail repaired at start-up', { trailDir, ...r });
  }
}

/** The sink's counters for /metrics, where it keeps any. */
export function auditStatsOf(sink: AuditSink | undefined): AuditSinkStats | undefined {
  const s = sink as { stats?: () => AuditSinkStats } | undefined;
  return typeof s?.stats === 'function' ? s.stats() : undefined;
}

/** How /metrics names the audit mode. */
export function auditModeOf(sink: AuditSink | undefined): 'off' | 'file' | 'injected' {
  return sink === undefined ? 'off' : sink instanceof FileAuditSink ? 'file' : 'injected';
}

/** GetKeyLastUsage's view of the trail. */
export function keyUsageHistory(reader: AuditReader): KeyUsageHistory {
  const oldest = new Cached(async () => (await reader.oldestEventTime()) ?? null, TRACKING_START_TTL_MS);
  return {
    lastUsage: (keyArn, o) => reader.lastUsage(keyArn, o),
    trackingStart: async () => (await oldest.get()) ?? undefined,
  };
}

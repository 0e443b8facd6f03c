/**
 * The /metrics, /healthz and /readyz endpoints of a process (composition
 * root: main.ts): what readiness checks (store, root key, audit trail) and
 * what each scrape reads.
 */
import { Cached, Observability } from '../adapters/http/observability.js';
import type { Metrics } from '../adapters/http/metrics.js';
import type { RequestAuditor } from '../adapters/http/request-audit.js';
import type { Logger } from '../adapters/logger.js';
import type { LocalRootKey } from '../adapters/rootkey/local-root-key.js';
import type { QuotaGate } from '../operations/request-limiter.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { KeyStore } from '../ports/key-store.js';
import { auditModeOf, auditStatsOf } from './audit.js';

/** /metrics counts keys by state at most this often. */
const KEY_COUNT_TTL_MS = 10_000;

export interface ObservedParts {
  metrics: Metrics;
  store: KeyStore;
  /** How the store describes itself (readiness detail). */
  storeDescription: string;
  rootKey: LocalRootKey;
  auditor: RequestAuditor;
  sink: AuditSink | undefined;
  quotas: QuotaGate | undefined;
  logger: Logger;
}

export function observabilityOf(p: ObservedParts): Observability {
  const countKeys = new Cached(() => p.store.countKeysByState(), KEY_COUNT_TTL_MS);
  return new Observability({
    metrics: p.metrics,
    checks: [
      {
        name: 'store',
        run: async () => {
          await p.store.getKey('000000000000', 'us-east-1', '00000000-0000-0000-0000-000000000000');
          return p.storeDescription;
        },
      },
      {
        name: 'rootKey',
        run: async () => {
          const probe = Buffer.from('trent readiness probe');
          const aad = Buffer.from('trent:readyz');
          const back = await p.rootKey.unwrap(await p.rootKey.wrap(probe, aad), aad);
          if (!back.equals(probe)) throw new Error('the root key did not unwrap what it wrapped');
          return p.rootKey.description;
        },
      },
      {
        name: 'audit',
        run: async () => {
          const s = p.auditor.status();
          if (!s.ok) throw new Error(s.detail);
          return s.detail;
        },
      },
    ],
    snapshot: async () => ({
      keysByState: await countKeys.get().catch((e) => {
        p.logger.warn('counting keys for /metrics failed', { error: String(e) });
        return undefined;
      }),
      audit: auditStatsOf(p.sink),
      auditMode: auditModeOf(p.sink),
      auditAvailable: p.auditor.available(),
      ...(p.quotas ? { quotas: { throttled: p.quotas.throttled, buckets: p.quotas.size } } : {}),
    }),
  });
}

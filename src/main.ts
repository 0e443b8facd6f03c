/**
 * Composition root: the only place adapters are chosen and wired.
 * `startTrent` is used by the CLI and by tests (with a fake clock).
 */
import { CredentialLookup } from './adapters/identity/credentials.js';
import { CachedIdentityStore } from './adapters/store/cached-identity-store.js';
import type { BootstrapResult } from './adapters/identity/bootstrap.js';
import { DevAuthenticator, SigV4Authenticator, type Authenticator } from './adapters/http/authenticator.js';
import { TrentApp, type Pipeline } from './adapters/http/app.js';
import { CloudTrailService } from './adapters/http/cloudtrail.js';
import { Metrics } from './adapters/http/metrics.js';
import { RequestAuditor } from './adapters/http/request-audit.js';
import { QueryEndpoint } from './adapters/query/endpoint.js';
import type { CredentialCache } from './adapters/query/context.js';
import { listen, type RunningServer } from './adapters/http/server.js';
import { jsonLogger, type Logger } from './adapters/logger.js';
import { trailDirOf, trailDirsIn } from './adapters/audit/layout.js';
import { nodeFileOps } from './adapters/audit/file-ops.js';
import { SigningKey } from './adapters/audit/signing-key.js';
import { AuditReader } from './adapters/audit/query.js';
import type { SignatureAlgorithm } from './adapters/audit/signing-key.js';
import { MaterialCache } from './operations/material-cache.js';
import { RequestLimiter, type QuotaGate } from './operations/request-limiter.js';
import { SharedRequestLimiter, type QuotaLeases } from './operations/shared-request-limiter.js';
import type { QuotaPolicy } from './domain/request-quotas.js';
import { ChangeFollower } from './adapters/store/changes/change-follower.js';
import { CachedKeyStore } from './adapters/store/cached-key-store.js';
import type { RunReport } from './operations/scheduler/scheduler.js';
import type { Deps } from './operations/context.js';
import type { AuditSink } from './ports/audit-sink.js';
import type { KeyStore } from './ports/key-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import { cryptoRandom } from './ports/random.js';
import { loadReplicationIdentity } from './adapters/replication/replication-identity.js';
import { peerLink, type PeerConfig } from './adapters/replication/peer-client.js';
import { openStoresAndRootKey } from './startup/stores.js';
import { keyUsageHistory, openAuditSink, sealTrailsOfFormerWorkers } from './startup/audit.js';
import { observabilityOf } from './startup/observability.js';
import { lifecycleSchedulerOf } from './startup/scheduler.js';

export interface TrentOptions {
  dataDir: string;
  /**
   * Where keys and identities live: 'sqlite' (the default: trent.db in
   * dataDir) or a postgres:// URL shared by any number of nodes. The data
   * directory still holds the root key (unless TRENT_ROOT_KEY is set).
   */
  store?: string;
  /** Peer deployments serving other regions, for multi-Region replicas there. */
  replicationPeers?: PeerConfig[];
  /** Trusted service integrations: principal ARN -> service name for kms:ViaService. */
  viaServices?: ReadonlyMap<string, string>;
  host?: string;
  port?: number;
  tls?: { cert: Buffer; key: Buffer };
  dev?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Clock for key lifecycle (deletion dates), session expiry and audit event times; SigV4 skew checks always use real time. */
  clock?: Clock;
  /** How often the lifecycle scheduler runs (deletions, rotations, session cleanup), in ms. Default one minute. */
  sweepIntervalMs?: number;
  /** This node's name in the scheduler's leases; default host, pid and a random suffix. */
  schedulerOwner?: string;
  logger?: Logger;
  /**
   * Where audit events go. Default: the tamper-evident trail in
   * DATA_DIR/audit (FileAuditSink). 'off' records nothing (`--audit off`,
   * for measuring; never the default). Tests inject a MemoryAuditSink or a
   * FailingAuditSink; an injected sink is closed with the server.
   */
  audit?: AuditSink | 'off';
  /** Log files of the trail close at multiples of this interval (UTC) and at shutdown. Default one hour. */
  auditRotationMs?: number;
  /** Algorithm of the trail's signing key when a new trail is created. Default SHA256withRSA (as CloudTrail). */
  auditSigningAlgorithm?: SignatureAlgorithm;
  /** One structured log line per request (operation, status, latency, principal). Default off. */
  accessLog?: boolean;
  /** Request quotas to enforce (AWS_QUOTA_POLICY, or one read from a file); absent: none (the default). */
  quotas?: QuotaPolicy;
  /** The clock request quotas refill by; default the system clock (never the lifecycle clock tests move by days). */
  quotaClock?: Clock;
  /** A worker of several: the primary's buckets, which the quotas are leased from (default: this process's own). */
  quotaLeases?: QuotaLeases;
  /**
   * How often the change feed is polled (default 250 ms) and how long caches
   * are trusted after the last successful poll started (default 750 ms): a
   * change made through any node or process is honoured here within
   * trust + one store read.
   */
  changeFeed?: { intervalMs?: number; trustMs?: number };
  /** Whether this process runs the scheduler (deletion sweep, session clean-up, feed pruning). Default true; with several workers only one does. */
  scheduler?: boolean;
  /** Worker number (1..N) when this is one of several worker processes; reported in /metrics. */
  worker?: number;
}

export interface Trent {
  url: string;
  port: number;
  bootstrap: BootstrapResult;
  deps: Deps;
  /** The trail this process writes (DATA_DIR/audit, or DATA_DIR/audit-N for worker N); LookupEvents and GetKeyLastUsage read every trail of the data directory. */
  trailDir: string;
  /** The audit sink in use; undefined with audit 'off'. */
  audit?: AuditSink;
  metrics: Metrics;
  /** The request handler behind the listener, for driving requests without a socket (benchmarks of the request path). */
  app: TrentApp;
  /** The change feed follower that keeps this process's caches current. */
  changes: ChangeFollower;
  /** Runs the lifecycle scheduler now; returns how many keys it deleted. */
  sweep(): Promise<number>;
  /** Runs every lifecycle job now (after a run in progress); reports what each did. */
  runScheduler(): Promise<RunReport>;
  /** Stops the listener (letting requests in flight finish), seals the audit log, closes the store. */
  close(): Promise<void>;
}

/** Verified credentials held in memory (least recently used out). */
const CREDENTIAL_CACHE_SIZE = 10_000;

/**
 * What the primary of several worker processes does once, before forking:
 * migrates the store, creates the root key and the first account if they are
 * new, and the audit signing key the workers' trails share. Workers then
 * start with `startTrent`, each writing a trail of its own (layout.ts).
 */
export async function prepareTrent(options: TrentOptions, workers: number): Promise<{ bootstrap: BootstrapResult }> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? jsonLogger();
  const { stores, rootKey, bootstrap } = await openStoresAndRootKey(options, env, logger, clock.now());
  try {
    if (options.audit === undefined) {
      // Every worker's trail adopts this key (FileAuditSink's shareSigningKeyOf), so one public key verifies them all.
      const trailDir = trailDirOf(options.dataDir);
      await nodeFileOps.mkdirp(trailDir);
      await SigningKey.loadOrCreate(trailDir, rootKey, nodeFileOps, options.auditSigningAlgorithm ?? 'SHA256withRSA', clock.now());
      await sealTrailsOfFormerWorkers(options.dataDir, workers, rootKey, clock, logger);
    }
    return { bootstrap };
  } finally {
    await stores.close();
  }
}

export async function startTrent(options: TrentOptions): Promise<Trent> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? jsonLogger();
  const { stores, rootKey, bootstrap } = await openStoresAndRootKey(options, env, logger, clock.now());
  const writer = options.worker ?? 1;
  const trailDir = trailDirOf(options.dataDir, writer);
  let sink: AuditSink | undefined;
  try {
    if (options.worker === undefined && options.audit === undefined) await sealTrailsOfFormerWorkers(options.dataDir, 1, rootKey, clock, logger);
    sink = await openAuditSink(options, trailDir, writer === 1 ? undefined : trailDirOf(options.dataDir), rootKey, clock, logger);
  } catch (e) {
    await stores.close();
    throw e;
  }
  const reader = new AuditReader(() => trailDirsIn(options.dataDir));
  const changes = new ChangeFollower(stores.changes, {
    ...options.changeFeed,
    onError: (e) => {
      if (changes.consecutiveFailures === 1) logger.warn('reading the change feed failed; caches are bypassed until it succeeds', { error: String(e) });
    },
  });
  const keyRecords = new CachedKeyStore(stores.keys, () => changes.trusted());
  changes.subscribe(keyRecords);
  const store: KeyStore = keyRecords;
  const materials = new MaterialCache(store, rootKey);
  changes.subscribe(materials);
  const identity = new CachedIdentityStore(stores.identity, () => changes.trusted());
  changes.subscribe(identity);
  const replicationIdentity = await loadReplicationIdentity(stores.settings, rootKey);
  const deps: Deps = {
    store,
    identity,
    rootKey,
    clock,
    random: cryptoRandom,
    materials,
    viaServices: options.viaServices,
    replication: {
      identity: replicationIdentity,
      peers: new Map((options.replicationPeers ?? []).map((p) => [p.region, peerLink(p)])),
    },
    ...(sink ? { audit: sink } : {}),
    keyUsage: keyUsageHistory(reader),
    ...(options.quotas ? { quotas: quotaGateOf(options.quotas, options) } : {}),
  };
  logger.info('store opened', { store: stores.description, rootKey: rootKey.description });
  const credentials = new CredentialLookup(stores.identity, rootKey, CREDENTIAL_CACHE_SIZE, () => changes.trusted());
  changes.subscribe(credentials);
  try {
    await changes.start();
  } catch (e) {
    await sink?.close().catch(() => {});
    await stores.close();
    throw e;
  }
  const authenticator: Authenticator = options.dev
    ? new DevAuthenticator(stores.identity, clock)
    : new SigV4Authenticator(credentials, systemClock, clock);
  const cache: CredentialCache = credentials;

  const metrics = new Metrics();
  metrics.worker = options.worker ?? 0;
  const auditor = new RequestAuditor(sink, logger, metrics);
  const pipeline: Pipeline = { auditor, metrics, logger, accessLog: options.accessLog === true };
  const observability = observabilityOf({
    metrics,
    store,
    storeDescription: stores.description,
    rootKey,
    auditor,
    sink,
    quotas: deps.quotas,
    logger,
  });
  const query = new QueryEndpoint({ ...deps, credentials: cache }, authenticator, pipeline);
  const app = new TrentApp({ deps, authenticator, pipeline, query, cloudTrail: new CloudTrailService(reader, deps), observability });

  const scheduler = lifecycleSchedulerOf(deps, stores, metrics, logger, options.schedulerOwner);
  // Due work (deletions, rotations, expiries) that fell due while no node ran is caught up now.
  // With several workers one of them runs it; the store's leases keep nodes from doubling it.
  if (options.scheduler !== false) {
    await scheduler.runOnce();
    scheduler.start(options.sweepIntervalMs ?? 60_000);
  }

  const shutdown = async () => {
    await scheduler.stop();
    changes.stop();
    try {
      // After the listener: every request that was answered has its event; the log file is sealed with a digest.
      await sink?.close();
    } catch (e) {
      logger.error('closing the audit trail failed', { error: String(e) });
    }
    await stores.close();
  };
  let server: RunningServer;
  try {
    server = await listen(app, { host: options.host ?? '127.0.0.1', port: options.port ?? 0, tls: options.tls });
  } catch (e) {
    await shutdown();
    throw e;
  }
  return {
    url: server.url,
    port: server.port,
    bootstrap,
    deps,
    trailDir,
    ...(sink ? { audit: sink } : {}),
    metrics,
    app,
    changes,
    sweep: async () => {
      const deleted = (await scheduler.runOnce())['key-deletion'];
      return typeof deleted === 'number' ? deleted : 0;
    },
    runScheduler: () => scheduler.runOnce(),
    close: async () => {
      await server.close();
      await shutdown();
    },
  };
}

/** This process's quota buckets, or, in a worker of several, leases from the primary's. */
function quotaGateOf(policy: QuotaPolicy, options: TrentOptions): QuotaGate {
  const clock = options.quotaClock ?? systemClock;
  return options.quotaLeases ? new SharedRequestLimiter(policy, options.quotaLeases, clock) : new RequestLimiter(policy, clock);
}

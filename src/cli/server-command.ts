/** `trent server`: runs a node until SIGTERM or SIGINT, then shuts down gracefully. */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createPublicKey } from 'node:crypto';
import type { PeerConfig } from '../adapters/replication/peer-client.js';
import { parseArgs } from 'node:util';
import { startTrent, type TrentOptions } from '../main.js';
import { runPrimary, WORKER_ENV, type WorkerMessage } from './cluster-primary.js';
import { primaryQuotaLeases } from './quota-ipc.js';
import { describePostgresUrl, isPostgresUrl } from '../adapters/store/postgres/pg-url.js';
import { AWS_QUOTA_POLICY, parseQuotaPolicy, type QuotaPolicy } from '../domain/request-quotas.js';

export const DEFAULT_LISTEN = '127.0.0.1:4599';
export const DEFAULT_DATA_DIR = './trent-data';

const USAGE = `usage: trent server [--listen HOST:PORT] [--data-dir DIR] [--tls-cert FILE --tls-key FILE]
                    [--insecure-http] [--via-service ARN=SERVICE]... [--dev]
                    [--replication-peer REGION=URL,PUBLIC_KEY]...
                    [--audit-rotation SECONDS] [--audit-signing-algorithm RSA|Ed25519] [--access-log] [--audit off]
                    [--quotas off|aws|FILE.json]
                    [--workers N]

  --listen HOST:PORT   address to listen on (default ${DEFAULT_LISTEN})
  --data-dir DIR       where the store, root key and first credentials live (default ${DEFAULT_DATA_DIR})
  --store STORE        sqlite (in --data-dir; the default) or postgres://USER:PASSWORD@HOST:5432/DB shared
                       by every node (also TRENT_STORE; prefer the variable: argv is visible to ps)
  --tls-cert FILE      PEM certificate chain; with --tls-key, serve HTTPS
  --tls-key FILE       PEM private key
  --insecure-http      allow plain HTTP on a non-loopback address
  --via-service ARN=SERVICE
                       trusted service integration: KMS calls by this user or role
                       carry kms:ViaService=SERVICE (repeatable; also TRENT_VIA_SERVICES)
  --replication-peer REGION=URL,PUBLIC_KEY
                       REGION is served by the Trent deployment at URL, whose replication
                       public key (\`trent admin replication-public-key\` there) is PUBLIC_KEY:
                       ReplicateKey to REGION creates the replica there (repeatable, or
                       TRENT_REPLICATION_PEERS, space-separated). Requests to peers are signed
                       with TRENT_REPLICATION_ACCESS_KEY_ID / TRENT_REPLICATION_SECRET_ACCESS_KEY,
                       credentials of a principal in the peer
  --dev                development mode: accept any credentials (never in production)
  --audit-rotation SECONDS
                       close (seal and sign) audit log files at multiples of this interval,
                       UTC (default 3600; also TRENT_AUDIT_ROTATION)
  --audit-signing-algorithm RSA|Ed25519
                       algorithm of the trail's digest signing key when a new trail is
                       created (default RSA: SHA256withRSA, as CloudTrail)
  --access-log         one JSON log line per request on stderr (also TRENT_ACCESS_LOG=1)
  --quotas off|aws|FILE.json
                       request quotas per account, Region and operation class, answered with
                       ThrottlingException: off (the default), aws (AWS's default quotas), or a
                       JSON file of overrides (also TRENT_QUOTAS)
  --workers N          worker processes sharing the listener (default: the number of CPU cores;
                       1 = a single process; also TRENT_WORKERS)
  --audit off          serve WITHOUT an audit trail, to measure its cost (also TRENT_AUDIT=off;
                       never the default, never in production)`;

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  if (!m) throw new Error(`--listen must be HOST:PORT, got ${value}`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid port ${port}`);
  return { host: m[1] ?? m[2], port };
}

/** `--via-service PRINCIPAL_ARN=SERVICE`: calls by that user or role (any session) carry kms:ViaService = SERVICE. */
export function parseViaServices(entries: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const m = /^(arn:aws[a-z-]*:iam::\d{12}:(?:user|role)\/\S+)=([a-z0-9.-]+\.amazonaws\.com(?:\.cn)?)$/.exec(entry);
    if (!m) throw new Error(`--via-service must be PRINCIPAL_ARN=SERVICE (e.g. arn:aws:iam::111122223333:role/s3-gateway=s3.us-east-1.amazonaws.com), got ${entry}`);
    map.set(m[1], m[2]);
  }
  return map;
}

/** `--replication-peer REGION=URL,PUBLIC_KEY` entries, with the peer credentials from the environment. */
export function parseReplicationPeers(entries: string[], env: NodeJS.ProcessEnv): PeerConfig[] {
  if (entries.length === 0) return [];
  const accessKeyId = env.TRENT_REPLICATION_ACCESS_KEY_ID;
  const secretAccessKey = env.TRENT_REPLICATION_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('--replication-peer needs TRENT_REPLICATION_ACCESS_KEY_ID and TRENT_REPLICATION_SECRET_ACCESS_KEY (a principal in the peer)');
  }
  return entries.map((entry) => {
    const m = /^([a-z]+(?:-[a-z]+){1,2}-\d+)=(https?:\/\/[^,]+),([A-Za-z0-9+/=]+)$/.exec(entry);
    if (!m) throw new Error(`--replication-peer must be REGION=URL,PUBLIC_KEY (base64), got ${entry}`);
    const publicKeyDer = Buffer.from(m[3], 'base64');
    try {
      if (createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' }).asymmetricKeyType !== 'x25519') throw new Error('not X25519');
    } catch {
      throw new Error(`--replication-peer ${m[1]}: the public key is not an X25519 SubjectPublicKeyInfo in base64`);
    }
    return { region: m[1], endpoint: m[2], publicKeyDer, accessKeyId, secretAccessKey };
  });
}

/** --audit on|off, --audit-rotation SECONDS, --audit-signing-algorithm RSA|Ed25519. */
export function parseAuditOptions(
  mode: string,
  rotation: string | undefined,
  algorithm: string,
): { off: boolean; rotationMs?: number; algorithm: 'SHA256withRSA' | 'Ed25519' } {
  if (mode !== 'on' && mode !== 'off') throw new Error(`--audit must be on or off, got ${mode}`);
  let rotationMs: number | undefined;
  if (rotation !== undefined && rotation !== '') {
    const seconds = Number(rotation);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 31 * 86400) {
      throw new Error(`--audit-rotation must be a whole number of seconds between 1 and ${31 * 86400}, got ${rotation}`);
    }
    rotationMs = seconds * 1000;
  }
  const alg = algorithm.toLowerCase();
  if (alg !== 'rsa' && alg !== 'sha256withrsa' && alg !== 'ed25519') throw new Error(`--audit-signing-algorithm must be RSA or Ed25519, got ${algorithm}`);
  return { off: mode === 'off', ...(rotationMs !== undefined ? { rotationMs } : {}), algorithm: alg === 'ed25519' ? 'Ed25519' : 'SHA256withRSA' };
}

/** --quotas off|aws|FILE: undefined for off; a file is read and checked now, so a bad one stops start-up. */
export function loadQuotaPolicy(value: string): QuotaPolicy | undefined {
  if (value === 'off' || value === '') return undefined;
  if (value === 'aws') return AWS_QUOTA_POLICY;
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (e) {
    throw new Error(`--quotas must be off, aws or a JSON file: cannot read ${value} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`--quotas ${value} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseQuotaPolicy(doc);
  } catch (e) {
    throw new Error(`--quotas ${value}: ${(e as Error).message}`);
  }
}

/** --workers N: 1..256; default the number of cores. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined || value === '') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`--workers must be a whole number from 1 to 256, got ${value}`);
  return n;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function serverCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: process.env.TRENT_LISTEN ?? DEFAULT_LISTEN },
      'data-dir': { type: 'string', default: process.env.TRENT_DATA_DIR ?? DEFAULT_DATA_DIR },
      store: { type: 'string', default: process.env.TRENT_STORE ?? 'sqlite' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'insecure-http': { type: 'boolean', default: false },
      dev: { type: 'boolean', default: false },
      'via-service': { type: 'string', multiple: true },
      'replication-peer': { type: 'string', multiple: true },
      'audit-rotation': { type: 'string', default: process.env.TRENT_AUDIT_ROTATION },
      'audit-signing-algorithm': { type: 'string', default: 'RSA' },
      'access-log': { type: 'boolean', default: process.env.TRENT_ACCESS_LOG === '1' || process.env.TRENT_ACCESS_LOG === 'true' },
      audit: { type: 'string', default: process.env.TRENT_AUDIT ?? 'on' },
      quotas: { type: 'string', default: process.env.TRENT_QUOTAS ?? 'off' },
      workers: { type: 'string', default: process.env.TRENT_WORKERS },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { host, port } = parseListen(values.listen as string);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  const tls = values['tls-cert']
    ? { cert: readFileSync(values['tls-cert'] as string), key: readFileSync(values['tls-key'] as string) }
    : undefined;
  if (!tls && !isLoopback(host) && !values['insecure-http']) {
    throw new Error(`refusing plain HTTP on non-loopback address ${host}: pass --tls-cert/--tls-key, or --insecure-http`);
  }
  const quotas = loadQuotaPolicy(values.quotas as string);
  const audit = parseAuditOptions(values.audit as string, values['audit-rotation'] as string | undefined, values['audit-signing-algorithm'] as string);
  const workers = parseWorkers(values.workers as string | undefined);
  // A worker of several: the primary has printed the warnings and prepared the node.
  const worker = cluster.isWorker ? Number(process.env[WORKER_ENV]) : undefined;
  if (audit.off && worker === undefined) {
    process.stderr.write(
      '\n*** AUDIT TRAIL OFF: requests are served WITHOUT audit events (--audit off).          ***\n' +
        '*** For measuring the cost of auditing only; never run this way in production.   ***\n\n',
    );
  }
  if (values.dev && worker === undefined) {
    process.stderr.write(
      '\n*** DEVELOPMENT MODE: signatures are NOT verified and any credentials are accepted. ***\n' +
        '*** Never run --dev with keys you care about.                                      ***\n\n',
    );
  }
  // Signal handlers go in before start-up, so a stop requested at any moment is graceful.
  let stopping = false;
  const viaServices = parseViaServices([...((values['via-service'] as string[] | undefined) ?? []), ...(process.env.TRENT_VIA_SERVICES?.split(/\s+/).filter(Boolean) ?? [])]);
  const store = values.store as string;
  // Never echo the value: a PostgreSQL URL may carry a password.
  if (store !== 'sqlite' && !isPostgresUrl(store)) throw new Error('--store must be sqlite or a postgres:// URL');
  const options: TrentOptions = {
    dataDir: values['data-dir'] as string,
    store,
    host,
    port,
    tls,
    dev: values.dev as boolean,
    viaServices,
    replicationPeers: parseReplicationPeers(
      [...((values['replication-peer'] as string[] | undefined) ?? []), ...(process.env.TRENT_REPLICATION_PEERS?.split(/\s+/).filter(Boolean) ?? [])],
      process.env,
    ),
    accessLog: values['access-log'] as boolean,
    ...(audit.off ? { audit: 'off' as const } : {}),
    ...(audit.rotationMs !== undefined ? { auditRotationMs: audit.rotationMs } : {}),
    auditSigningAlgorithm: audit.algorithm,
    ...(quotas ? { quotas } : {}),
  };
  const where = store === 'sqlite' ? `data in ${values['data-dir']}` : `store ${describePostgresUrl(store)}`;
  if (worker === undefined && workers > 1) {
    await runPrimary(options, workers, where);
    return;
  }
  if (worker !== undefined) {
    options.worker = worker;
    options.scheduler = worker === 1;
    if (options.quotas) options.quotaLeases = primaryQuotaLeases();
  }
  const starting = startTrent(options);
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: finishing in-flight requests and shutting down\n`);
    starting
      .then((t) => t.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const trent = await starting;
  if (worker !== undefined) {
    // Without its primary the worker is orphaned (no one replaces or stops it): stop.
    process.on('disconnect', () => stop('primary gone'));
    const message: WorkerMessage = { trent: 'listening', url: trent.url };
    process.send?.(message);
    return;
  }
  const created = trent.bootstrap.created;
  if (created) {
    console.log(`Created account ${created.accountId} with root access key ${created.accessKeyId}.`);
    if (created.source === 'generated') {
      console.log(`Secret access key (shown once): ${created.secretAccessKey}`);
      if (created.file) console.log(`Also written to ${created.file} (mode 0600, profile "trent").`);
    }
  }
  console.log(`Trent listening on ${trent.url} (${where})`);
}

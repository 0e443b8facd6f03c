/**
 * `trent audit`: the audit trail from the command line, reading its files
 * directly (the server may be running).
 *
 *   trent audit verify --data-dir DIR
 *   trent audit verify --trail DIR --public-key FILE
 *   trent audit public-key --data-dir DIR
 *   trent audit lookup --data-dir DIR [filters...]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { trailDirOf, trailDirsIn } from '../adapters/audit/layout.js';
import { AuditReader, type AuditFilter } from '../adapters/audit/query.js';
import { authenticatedTrailKey, trailPublicKey, VerificationKey } from '../adapters/audit/signing-key.js';
import { formatReport, verifyTrail, type VerifyReport } from '../adapters/audit/verify.js';
import { loadLocalRootKey, ROOT_KEY_FILE, type LocalRootKey } from '../adapters/rootkey/local-root-key.js';
import { DEFAULT_DATA_DIR } from './server-command.js';

const USAGE = `usage: trent audit <command> [options]

commands:
  verify --data-dir DIR                 verify this server's trails (one per worker process: audit,
                                        audit-2, ...): every log file against its digest, every digest's
                                        signature and link in the chain (the signing key is first proven
                                        genuine with the root key)
  verify --trail DIR --public-key FILE  verify a copy of a trail kept elsewhere, with the exported public key
                                        (--json: the report as JSON; with --data-dir, one per trail)
  public-key --data-dir DIR             print the trails' public key (PEM), to verify copies with
  lookup --data-dir DIR [filters]       print matching events of every trail, newest first, one JSON object a line
      --event-name NAME                 e.g. Encrypt, CreateKey, AssumeRole
      --event-source SOURCE             kms.amazonaws.com, iam.amazonaws.com, sts.amazonaws.com, ...
      --key-id ID|ARN|ALIAS             key id, key ARN, alias name or alias ARN
      --principal ARN|AKID|NAME         principal ARN (a role's ARN matches its sessions), access key id or user name
      --start-time ISO --end-time ISO   time range (inclusive), e.g. 2026-11-23T00:00:00Z
      --errors-only                     failed and denied calls only
      --read-only true|false            read-only calls, or changes
      --max N                           at most N events
      (--trail DIR instead of --data-dir reads a trail directory directly)

--data-dir defaults to ${DEFAULT_DATA_DIR} (or TRENT_DATA_DIR). verify exits 1 when anything is wrong.`;

export async function auditCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    if (sub === undefined) process.exitCode = 2;
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      trail: { type: 'string' },
      'public-key': { type: 'string' },
      json: { type: 'boolean', default: false },
      'event-name': { type: 'string' },
      'event-source': { type: 'string' },
      'key-id': { type: 'string' },
      principal: { type: 'string' },
      'start-time': { type: 'string' },
      'end-time': { type: 'string' },
      'errors-only': { type: 'boolean', default: false },
      'read-only': { type: 'string' },
      max: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values['data-dir'] !== undefined && values.trail !== undefined) throw new Error('give --data-dir or --trail, not both');
  const dataDir = values.trail === undefined ? (values['data-dir'] ?? process.env.TRENT_DATA_DIR ?? DEFAULT_DATA_DIR) : undefined;
  const trailDirs = values.trail !== undefined ? [values.trail] : await trailDirsIn(dataDir!);
  if (trailDirs.length === 0 || !existsSync(trailDirs[0])) {
    const where = values.trail ?? trailDirOf(dataDir!);
    throw new Error(`no audit trail at ${where}: check ${values.trail !== undefined ? '--trail' : '--data-dir'}`);
  }
  switch (sub) {
    case 'verify':
      return verifyCommand(trailDirs, dataDir, values['public-key'], values.json);
    case 'public-key':
      return publicKeyCommand(trailDirs[0], dataDir);
    case 'lookup':
      return lookupCommand(values.trail ?? (() => trailDirsIn(dataDir!)), values);
    default:
      throw new Error(`unknown audit command ${sub}\n${USAGE}`);
  }
}

/** The data directory's root key, if it has one (never created here). */
function rootKeyOf(dataDir: string | undefined): LocalRootKey | undefined {
  if (dataDir === undefined) return undefined;
  if (!process.env.TRENT_ROOT_KEY && !existsSync(join(dataDir, ROOT_KEY_FILE))) return undefined;
  return loadLocalRootKey(dataDir, process.env);
}

/**
 * Verifies each trail; the report of one trail is printed as is, those of
 * several each under its directory. --json: with --trail the report, with
 * --data-dir an array of { trailDir, report }, one per trail.
 */
async function verifyCommand(trailDirs: string[], dataDir: string | undefined, publicKeyFile: string | undefined, json: boolean): Promise<void> {
  const publicKeys = publicKeyFile !== undefined ? [VerificationKey.fromPem(readFileSync(publicKeyFile))] : undefined;
  const rootKey = publicKeys ? undefined : rootKeyOf(dataDir);
  const reports: { trailDir: string; report: VerifyReport }[] = [];
  for (const trailDir of trailDirs) {
    reports.push({ trailDir, report: await verifyTrail({ trailDir, ...(publicKeys ? { publicKeys } : {}), ...(rootKey ? { rootKey } : {}) }) });
  }
  if (json) {
    process.stdout.write(JSON.stringify(dataDir === undefined ? reports[0].report : reports, null, 2) + '\n');
  } else if (reports.length === 1) {
    process.stdout.write(formatReport(reports[0].report));
  } else {
    process.stdout.write(reports.map(({ trailDir, report }) => `trail ${trailDir}:\n${formatReport(report)}`).join('\n'));
  }
  if (reports.some(({ report }) => !report.ok)) process.exitCode = 1;
}

async function publicKeyCommand(trailDir: string, dataDir: string | undefined): Promise<void> {
  const rootKey = rootKeyOf(dataDir);
  if (rootKey) {
    process.stdout.write((await authenticatedTrailKey(trailDir, rootKey)).pem());
    return;
  }
  const key = await trailPublicKey(trailDir);
  if (!key) throw new Error(`the trail at ${trailDir} has no signing key yet`);
  process.stderr.write('note: no root key here, so the public key could not be proven genuine; it is read from the trail as is\n');
  process.stdout.write(key.pem());
}

function timeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new Error(`--${name} must be an ISO 8601 time such as 2026-11-23T14:00:00Z, got ${value}`);
  return t;
}

async function lookupCommand(trails: string | (() => Promise<string[]>), v: Record<string, string | boolean | undefined>): Promise<void> {
  const filter: AuditFilter = {};
  if (typeof v['event-name'] === 'string') filter.eventName = v['event-name'];
  if (typeof v['event-source'] === 'string') filter.eventSource = v['event-source'];
  if (typeof v['key-id'] === 'string') filter.key = v['key-id'];
  if (typeof v.principal === 'string') filter.principal = v.principal;
  const start = timeOption('start-time', v['start-time'] as string | undefined);
  const end = timeOption('end-time', v['end-time'] as string | undefined);
  if (start !== undefined) filter.startTime = start;
  if (end !== undefined) filter.endTime = end;
  if (start !== undefined && end !== undefined && start > end) throw new Error('--start-time is after --end-time');
  if (v['errors-only'] === true) filter.errorsOnly = true;
  if (v['read-only'] !== undefined) {
    if (v['read-only'] !== 'true' && v['read-only'] !== 'false') throw new Error(`--read-only must be true or false, got ${v['read-only']}`);
    filter.readOnly = v['read-only'] === 'true';
  }
  let max = Infinity;
  if (v.max !== undefined) {
    max = Number(v.max);
    if (!Number.isInteger(max) || max < 1) throw new Error(`--max must be a positive whole number, got ${v.max}`);
  }
  let closed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    else throw e;
  });
  let n = 0;
  for await (const event of new AuditReader(trails).events(filter)) {
    if (closed || n >= max) break;
    if (!process.stdout.write(JSON.stringify(event) + '\n')) await new Promise((r) => process.stdout.once('drain', r));
    n++;
  }
}

/**
 * `bin/trent audit` as an operator runs it, on the trail of a real server:
 * `verify` passes an untouched trail and catches each kind of tampering
 * (a byte edited, a file deleted, a forged line inserted, a forged file
 * added, two files swapped, a digest truncated, the wrong public key),
 * naming the file; `public-key` exports the key; `lookup` filters.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import { FileAuditSink } from '../../src/adapters/audit/file-sink.js';
import { listFiles } from '../../src/adapters/audit/trail-files.js';
import { DIGESTS_DIR, LOGS_DIR, digestSeqOf, logSeqOf } from '../../src/adapters/audit/layout.js';
import type { AuditEvent } from '../../src/audit/event.js';
import { ManualClock } from '../../src/ports/clock.js';
import { TEST_ACCOUNT, TEST_ACCESS_KEY_ID, startTestServer, tempDir, type TestServer } from '../helpers/trent.js';
import { createUser } from '../helpers/identities.js';
import { failure, trentCli } from './audit-support.js';

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const HOUR = 3_600_000;

function jsonLines(stdout: string): AuditEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEvent);
}

describe('trent audit (CLI) on a real trail', () => {
  let dataDir: string;
  let scratch: string;
  let server: TestServer;
  let key: KeyMetadata;
  let pem: string;
  let pemFile: string;
  let logs: string[];
  let digests: string[];
  const clock = new ManualClock(T0);

  before(async () => {
    dataDir = tempDir('trent-audit-cli-');
    scratch = tempDir('trent-audit-copies-');
    server = await startTestServer({ dataDir, clock });
    const kms = server.kms();
    const sink = server.trent.audit as FileAuditSink;
    // Hour 0: keys and an alias.
    key = (await kms.send(new CreateKeyCommand({ Description: 'cli' }))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/cli', TargetKeyId: key.KeyId }));
    clock.advance(HOUR);
    await sink.rotate();
    // Hour 1: use, through the alias, by the root.
    const enc = await kms.send(new EncryptCommand({ KeyId: 'alias/cli', Plaintext: Buffer.from('x') }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    clock.advance(HOUR);
    await sink.rotate();
    // Hour 2: a user who may do nothing.
    const mallory = await createUser(server, 'mallory');
    const client = mallory.kms();
    assert.equal((await failure(() => client.send(new DescribeKeyCommand({ KeyId: key.KeyId })))).name, 'AccessDeniedException');
    client.destroy();
    await server.close();
    logs = (await listFiles(server.trent.trailDir, LOGS_DIR, logSeqOf)).sort((a, b) => a.seq - b.seq).map((f) => f.file);
    digests = (await listFiles(server.trent.trailDir, DIGESTS_DIR, digestSeqOf)).sort((a, b) => a.seq - b.seq).map((f) => f.file);
    pemFile = join(scratch, 'trent-audit.pem');
  });

  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the server sealed one log file per period and one at shutdown, each with a digest', () => {
    assert.equal(logs.length, 3, logs.join('\n'));
    assert.equal(digests.length, 3, digests.join('\n'));
  });

  it('public-key exports the trail signing key (proven with the root key) as PEM', async () => {
    const r = await trentCli(['audit', 'public-key', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    assert.equal(r.stdout, readFileSync(join(server.trent.trailDir, 'public-key.pem'), 'utf8'));
    pem = r.stdout;
    writeFileSync(pemFile, pem);
  });

  it('verify --data-dir passes the untouched trail and exits 0', async () => {
    const r = await trentCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^3 digest\(s\), 3 log file\(s\), \d+ event\(s\) from /);
    assert.match(r.stdout, /proven genuine with the root key/);
    assert.match(r.stdout, /OK: the trail is intact\n$/);
  });

  /** A copy of the trail, tampered with by `tamper`, verified with the exported key. */
  async function verifyCopy(name: string, tamper: (dir: string) => void, key = pemFile): Promise<{ code: number; stdout: string; stderr: string }> {
    const copy = join(scratch, name);
    cpSync(server.trent.trailDir, copy, { recursive: true });
    tamper(copy);
    return trentCli(['audit', 'verify', '--trail', copy, '--public-key', key]);
  }
  const at = (dir: string, file: string) => join(dir, ...file.split('/'));

  it('verify --trail --public-key passes an untouched copy', async () => {
    const r = await verifyCopy('untouched', () => {});
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /OK: the trail is intact/);
  });

  it('catches one edited byte in a sealed log file', async () => {
    const r = await verifyCopy('edit-byte', (dir) => {
      const path = at(dir, logs[1]);
      const bytes = readFileSync(path);
      const i = bytes.indexOf('"eventName":"Encrypt"') + 14;
      bytes[i] = 'X'.charCodeAt(0); // Encrypt -> Xncrypt
      writeFileSync(path, bytes);
    });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL log-modified: ${logs[1]}: differs from what ${digests[1]} sealed: edited in place`));
    assert.match(r.stdout, /1 problem\(s\) found\n$/);
  });

  it('catches a deleted log file', async () => {
    const r = await verifyCopy('delete-file', (dir) => unlinkSync(at(dir, logs[0])));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL log-missing: ${logs[0]}: sealed by ${digests[0]} but gone`));
  });

  it('catches a forged line inserted into a sealed log file', async () => {
    const r = await verifyCopy('insert-line', (dir) => {
      const path = at(dir, logs[1]);
      const lines = readFileSync(path, 'utf8').split('\n');
      const forged = { ...JSON.parse(lines[0]), eventName: 'DisableKey', eventID: '11111111-2222-4333-8444-555555555555' };
      lines.splice(1, 0, JSON.stringify(forged));
      writeFileSync(path, lines.join('\n'));
    });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL log-modified: ${logs[1]}: differs from what ${digests[1]} sealed: 1 line\\(s\\) inserted`));
  });

  it('catches a forged log file added to the trail', async () => {
    const r = await verifyCopy('insert-file', (dir) => {
      const forged = logs[2].replace(/_(\d{8})\.jsonl$/, (_, seq) => `_${String(Number(seq) + 1).padStart(8, '0')}.jsonl`);
      writeFileSync(at(dir, forged), readFileSync(at(dir, logs[2])));
    });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /FAIL log-unlisted: logs\/.*: no digest names this log file \(inserted\)/);
  });

  it('catches two log files swapped', async () => {
    const r = await verifyCopy('swap', (dir) => {
      const a = at(dir, logs[0]);
      const b = at(dir, logs[1]);
      renameSync(a, a + '.tmp');
      renameSync(b, a);
      renameSync(a + '.tmp', b);
    });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL log-moved: ${logs[0]}: the content sealed as ${logs[0]} by ${digests[0]} is now in ${logs[1]}`));
    assert.match(r.stdout, new RegExp(`FAIL log-moved: ${logs[1]}: the content sealed as ${logs[1]} by ${digests[1]} is now in ${logs[0]}`));
  });

  it('catches a truncated digest', async () => {
    const r = await verifyCopy('truncate-digest', (dir) => {
      const path = at(dir, digests[1]);
      truncateSync(path, Math.floor(readFileSync(path).length / 2));
    });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL digest-unreadable: ${digests[1]}: the digest is not a complete, well-formed digest`));
    // The log file it sealed is now vouched for by nothing.
    assert.match(r.stdout, new RegExp(`FAIL log-unlisted: ${logs[1]}: no intact digest names this log file`));
  });

  it('catches a digest signed by another key, and refuses a trail checked with the wrong public key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const otherFile = join(scratch, 'other.pem');
    writeFileSync(otherFile, other);
    const r = await verifyCopy('wrong-key', () => {}, otherFile);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`FAIL digest-unknown-key: ${digests[0]}: signed by key [0-9a-f]{64}, which was not given`));
    assert.match(r.stdout, /FAIL head-invalid: HEAD.json: HEAD.json is signed by key/);
  });

  it('exits 2 with a message for a missing trail', async () => {
    const r = await trentCli(['audit', 'verify', '--trail', join(scratch, 'nothing-here'), '--public-key', pemFile]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no audit trail at .*nothing-here/);
  });

  describe('lookup', () => {
    async function lookup(...args: string[]): Promise<AuditEvent[]> {
      const r = await trentCli(['audit', 'lookup', '--data-dir', dataDir, ...args]);
      assert.equal(r.code, 0, r.stderr);
      return jsonLines(r.stdout);
    }

    it('prints every event newest first as JSON Lines', async () => {
      const all = await lookup();
      // CreateKey, CreateAlias; Encrypt, Decrypt; CreateUser, CreateAccessKey, DescribeKey (denied).
      assert.equal(all.length, 7);
      const times = all.map((e) => Date.parse(e.eventTime));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      assert.equal(all.at(-1)!.eventName, 'CreateKey');
    });

    it('--event-name, --key-id (id, alias, ARN), --principal, --errors-only, --read-only, --start-time/--end-time, --max', async () => {
      assert.deepEqual((await lookup('--event-name', 'Encrypt')).map((e) => e.eventName), ['Encrypt']);
      const byId = (await lookup('--key-id', key.KeyId!)).map((e) => e.eventName);
      assert.deepEqual(byId, ['DescribeKey', 'Decrypt', 'Encrypt', 'CreateAlias', 'CreateKey']);
      assert.deepEqual((await lookup('--key-id', key.Arn!)).map((e) => e.eventName), byId);
      assert.deepEqual((await lookup('--key-id', 'alias/cli')).map((e) => e.eventName), ['Encrypt', 'CreateAlias']);
      const mallory = await lookup('--principal', `arn:aws:iam::${TEST_ACCOUNT}:user/mallory`);
      assert.deepEqual(mallory.map((e) => [e.eventName, e.errorCode]), [['DescribeKey', 'AccessDenied']]);
      assert.deepEqual((await lookup('--principal', TEST_ACCESS_KEY_ID, '--event-name', 'CreateKey')).length, 1);
      assert.deepEqual((await lookup('--errors-only')).map((e) => e.errorCode), ['AccessDenied']);
      const writes = await lookup('--read-only', 'false');
      assert.ok(writes.length > 0 && writes.every((e) => e.readOnly === false));
      assert.ok(writes.some((e) => e.eventName === 'CreateUser'));
      const hour1 = await lookup('--start-time', new Date(T0 + HOUR).toISOString(), '--end-time', new Date(T0 + HOUR + 60_000).toISOString());
      assert.deepEqual(hour1.map((e) => e.eventName), ['Decrypt', 'Encrypt']);
      assert.equal((await lookup('--max', '2')).length, 2);
    });

    it('refuses bad filters with exit 2', async () => {
      let r = await trentCli(['audit', 'lookup', '--data-dir', dataDir, '--start-time', 'yesterday']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--start-time must be an ISO 8601 time/);
      r = await trentCli(['audit', 'lookup', '--data-dir', dataDir, '--read-only', 'maybe']);
      assert.equal(r.code, 2);
      r = await trentCli(['audit', 'lookup', '--data-dir', dataDir, '--max', '0']);
      assert.equal(r.code, 2);
    });
  });
});

/**
 * `trent server --workers 2` as a real process tree: both workers answer on
 * the one listener, a revocation made through one worker is honoured by the
 * other within the change-feed bound (SQLite shared by both processes), each
 * worker writes its own audit trail and `trent audit` verifies and reads
 * them as one, a killed worker is replaced, and SIGTERM drains every worker
 * and exits 0.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient, CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { rootEnv, tempDir, TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET } from '../helpers/trent.js';
import { trentCli } from './audit-support.js';
import { trailDirsIn } from '../../src/adapters/audit/layout.js';
import { AuditReader } from '../../src/adapters/audit/query.js';

const BOUND_MS = 1000;
const ROOT = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET };
type Creds = { accessKeyId: string; secretAccessKey: string };

/** The worker numbers and pids that answered /metrics over `n` fresh connections. */
async function whoAnswers(url: string, n: number): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
    const m = /trent_process_info\{worker="(\d+)",pid="(\d+)"\} 1/.exec(text);
    assert.ok(m, 'every worker reports its number and pid');
    seen.set(m[1], m[2]);
  }
  return seen;
}

/** One call on a fresh connection (so the primary's round-robin spreads calls over the workers); the error name, or undefined. */
async function callerIdentity(url: string, c: Creds): Promise<string | undefined> {
  const client = new STSClient({ endpoint: url, region: TEST_REGION, credentials: c, maxAttempts: 1 });
  try {
    await client.send(new GetCallerIdentityCommand({}));
    return undefined;
  } catch (e) {
    return (e as Error).name;
  } finally {
    client.destroy();
  }
}

describe('trent server --workers 2', () => {
  let dataDir: string;
  let server: ChildServer;
  before(async () => {
    dataDir = tempDir();
    server = await spawnServer(['--workers', '2', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], rootEnv());
  });
  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('both workers answer on the one listener', async () => {
    const seen = await whoAnswers(server.url, 8);
    assert.deepEqual([...seen.keys()].sort(), ['1', '2']);
    assert.notEqual(seen.get('1'), seen.get('2'));
    assert.notEqual(seen.get('1'), String(server.child.pid), 'workers are not the primary');
  });

  it('an access key deactivated through one worker is refused by both within the bound', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: 'w-user' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'w-user', PolicyName: 'kms', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'w-user' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    // Warm both workers' credential caches.
    for (let i = 0; i < 4; i++) assert.equal(await callerIdentity(server.url, creds), undefined);
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'w-user', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    const start = performance.now();
    // Honoured when four calls in a row (both workers, round-robin) are refused.
    let streak = 0;
    while (streak < 4) {
      const elapsed = performance.now() - start;
      assert.ok(elapsed < 2 * BOUND_MS, `still accepted after ${elapsed} ms`);
      streak = (await callerIdentity(server.url, creds)) === 'InvalidClientTokenId' ? streak + 1 : 0;
    }
    const elapsed = performance.now() - start;
    assert.ok(elapsed < BOUND_MS, `honoured by both workers after ${elapsed} ms`);
    iam.destroy();
  });

  it('a killed worker is replaced, with the same number and a new pid', async () => {
    const before = await whoAnswers(server.url, 6);
    const victim = before.get('2')!;
    process.kill(Number(victim), 'SIGKILL');
    const deadline = Date.now() + 10_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'worker 2 was not replaced within 10 s');
      await new Promise((r) => setTimeout(r, 200));
      const now = await whoAnswers(server.url, 4).catch(() => new Map<string, string>());
      if (now.has('2') && now.get('2') !== victim) break;
    }
    const kms = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: ROOT, maxAttempts: 1 });
    const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    for (let i = 0; i < 4; i++) await kms.send(new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('after restart') }));
    kms.destroy();
  });

  it('SIGTERM drains every worker and exits 0; each worker\'s trail verifies, and lookup reads them as one', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    const trails = await trailDirsIn(dataDir);
    assert.deepEqual(trails, [join(dataDir, 'audit'), join(dataDir, 'audit-2')]);
    for (const trail of trails) {
      let events = 0;
      for await (const e of new AuditReader(trail).events({ eventName: 'GetCallerIdentity' })) if (e) events++;
      assert.ok(events > 0, `${trail} holds the calls its worker served`);
    }
    const r = await trentCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/OK: the trail is intact/g)?.length, 2, r.stdout);
    const lookup = await trentCli(['audit', 'lookup', '--data-dir', dataDir, '--event-name', 'UpdateAccessKey']);
    assert.equal(lookup.code, 0, lookup.stderr);
    assert.equal(lookup.stdout.trim().split('\n').length, 1, lookup.stdout);
  });
});

describe('fewer workers after a crash', () => {
  it('the trail of a worker that no longer runs is repaired and sealed by the primary, and every trail verifies', async () => {
    const dataDir = tempDir();
    try {
      const first = await spawnServer(['--workers', '3', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], rootEnv());
      // Calls on fresh connections until worker 3 has a log file open.
      const head = join(dataDir, 'audit-3', 'HEAD.json');
      const writing = () => existsSync(head) && JSON.parse(readFileSync(head, 'utf8')).head.openLog !== null;
      for (let i = 0; i < 60 && !writing(); i++) assert.equal(await callerIdentity(first.url, ROOT), undefined);
      assert.ok(writing(), 'worker 3 wrote events');
      assert.equal(await first.crash(), 'SIGKILL');
      const second = await spawnServer(['--workers', '2', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], rootEnv());
      assert.match(second.output(), /"message":"audit trail repaired at start-up","trailDir":"[^"]*audit-3"/);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.output());
      const r = await trentCli(['audit', 'verify', '--data-dir', dataDir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout.match(/OK: the trail is intact/g)?.length, 3, r.stdout);
      assert.doesNotMatch(r.stdout, /being written/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

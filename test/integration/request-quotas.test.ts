/**
 * Request quotas through real clients: a tiny configured quota answers
 * ThrottlingException (AWS's status and wording) to the AWS SDK, leaves other
 * classes, accounts and Regions alone, is audited and counted, and the
 * default retry of the AWS SDK and the AWS CLI recovers once the bucket
 * refills. The quotas' clock is a ManualClock, so nothing depends on timing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateRandomCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { MemoryAuditSink } from '../../src/adapters/audit/memory-sink.js';
import { ManualClock } from '../../src/ports/clock.js';
import { parseQuotaPolicy, THROTTLING_MESSAGE } from '../../src/domain/request-quotas.js';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET, awsError, startTestServer, tempDir, type TestServer } from '../helpers/trent.js';
import { createAccount } from '../helpers/identities.js';
import { cleanEnv, runAws } from '../helpers/aws-cli.js';
import { spawnServer } from '../helpers/child-server.js';
import { rootEnv } from '../helpers/trent.js';
import { rmSync } from 'node:fs';
import { trailDirsIn } from '../../src/adapters/audit/layout.js';
import { AuditReader } from '../../src/adapters/audit/query.js';

const POLICY = parseQuotaPolicy({ preset: 'none', quotas: { CreateKey: 2, CreateAlias: 1, 'cryptographic-symmetric': 4 } });

async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = text.split('\n').find((l) => l.startsWith(line + ' '));
  return m ? Number(m.slice(line.length + 1)) : 0;
}

/** Resolves once the server has throttled more than `before` requests of the class. */
async function throttledBeyond(server: TestServer, cls: string, before: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((server.trent.deps.quotas!.throttled.get(cls) ?? 0) <= before) {
    if (Date.now() > deadline) throw new Error(`no ${cls} request was throttled`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('request quotas', () => {
  let server: TestServer;
  let quotaClock: ManualClock;
  let audit: MemoryAuditSink;
  let kms: KMSClient;

  before(async () => {
    quotaClock = new ManualClock(0);
    audit = new MemoryAuditSink();
    server = await startTestServer({ quotas: POLICY, quotaClock, audit });
    kms = server.kms();
  });
  after(() => server.close());

  it('the request over the quota gets ThrottlingException, HTTP 400, with AWS\'s message; other classes, accounts and Regions are unaffected', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await kms.send(new CreateKeyCommand({}));
    const e = await awsError(() => kms.send(new CreateKeyCommand({})));
    assert.deepEqual(e, { name: 'ThrottlingException', message: THROTTLING_MESSAGE, status: 400 });
    assert.equal(THROTTLING_MESSAGE, 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.');

    // Another class of the same account and Region.
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/q', TargetKeyId: key }));
    // Another account.
    const other = (await createAccount(server, '444455556666')).kms();
    await other.send(new CreateKeyCommand({}));
    await other.send(new CreateKeyCommand({}));
    // Another Region of the same account.
    const west = server.kms({ region: 'eu-west-1' });
    await west.send(new CreateKeyCommand({}));
    other.destroy();

    // The bucket refills with time: two per second.
    quotaClock.advance(499);
    assert.equal((await awsError(() => kms.send(new CreateKeyCommand({})))).name, 'ThrottlingException');
    quotaClock.advance(1);
    await kms.send(new CreateKeyCommand({}));
  });

  it('symmetric cryptographic operations share one quota', async () => {
    quotaClock.advance(10_000);
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const enc = await kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x') }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    await kms.send(new GenerateDataKeyCommand({ KeyId: key, KeySpec: 'AES_256' }));
    await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    assert.deepEqual(e, { name: 'ThrottlingException', message: THROTTLING_MESSAGE, status: 400 });
  });

  it('a throttled request is audited with errorCode ThrottlingException and counted in /metrics', async () => {
    const throttled = audit.events.filter((ev) => ev.errorCode === 'ThrottlingException');
    assert.ok(throttled.some((ev) => ev.eventName === 'CreateKey'));
    assert.ok(throttled.some((ev) => ev.eventName === 'Decrypt'));
    for (const ev of throttled) assert.equal(ev.errorMessage, THROTTLING_MESSAGE);
    assert.equal(await metric(server.url, 'trent_throttled_requests_total{class="CreateKey"}'), 2);
    assert.equal(await metric(server.url, 'trent_throttled_requests_total{class="cryptographic-symmetric"}'), 1);
    assert.equal(await metric(server.url, 'trent_requests_total{service="kms",operation="CreateKey",outcome="client_error"}'), 2);
  });

  it('the AWS SDK\'s default retry recovers when the bucket refills', async () => {
    quotaClock.advance(10_000);
    for (let i = 0; i < 4; i++) await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    const retrying = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET } });
    try {
      const before = server.trent.deps.quotas!.throttled.get('cryptographic-symmetric') ?? 0;
      const pending = retrying.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      await throttledBeyond(server, 'cryptographic-symmetric', before);
      quotaClock.advance(250);
      const out = await pending;
      assert.equal(out.Plaintext!.length, 8);
      assert.ok(out.$metadata.attempts! >= 2, `attempts: ${out.$metadata.attempts}`);
    } finally {
      retrying.destroy();
    }
  });

  it('the AWS CLI\'s default retry recovers when the bucket refills', async () => {
    quotaClock.advance(10_000);
    for (let i = 0; i < 2; i++) await kms.send(new CreateKeyCommand({}));
    const before = server.trent.deps.quotas!.throttled.get('CreateKey') ?? 0;
    const env = { ...cleanEnv(), AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET, AWS_DEFAULT_REGION: TEST_REGION };
    const cli = runAws(['kms', 'create-key', '--endpoint-url', server.url, '--output', 'json'], env);
    await throttledBeyond(server, 'CreateKey', before);
    quotaClock.advance(500);
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.parse(r.stdout).KeyMetadata.KeyId, /^[0-9a-f-]{36}$/);
  });
});

describe('trent server --quotas', () => {
  it('with --workers 2, the workers share one set of buckets: together they admit the quota once, not twice', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    try {
      const file = join(dir, 'quotas.json');
      writeFileSync(file, JSON.stringify({ preset: 'none', quotas: { CreateKey: 3 } }));
      const node = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--workers', '2', '--quotas', file], rootEnv());
      // A client each: every request on its own connection, handed to the workers in turn.
      const clients = Array.from({ length: 24 }, () => new KMSClient({ endpoint: node.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 }));
      let outcomes: string[];
      let elapsedSeconds: number;
      try {
        const started = performance.now();
        outcomes = await Promise.all(
          clients.map((c) => c.send(new CreateKeyCommand({})).then(() => 'created', (e: Error) => e.name)),
        );
        elapsedSeconds = (performance.now() - started) / 1000;
      } finally {
        for (const c of clients) c.destroy();
        node.child.kill('SIGTERM');
        assert.equal(await node.exited, 0, node.output());
      }
      const created = outcomes.filter((o) => o === 'created').length;
      assert.ok(outcomes.every((o) => o === 'created' || o === 'ThrottlingException'), outcomes.join(', '));
      // The bucket starts with 3 tokens and refills 3 a second.
      assert.ok(created >= 3 && created <= 3 + Math.floor(3 * elapsedSeconds), `${created} created in ${elapsedSeconds.toFixed(2)} s`);
      const trails = await trailDirsIn(dataDir);
      assert.equal(trails.length, 2);
      for (const trail of trails) {
        let calls = 0;
        for await (const e of new AuditReader(trail).events({ eventName: 'CreateKey' })) if (e) calls++;
        assert.ok(calls > 0, `${trail}: its worker served some of the CreateKey calls`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a JSON file of quotas and refuses a bad one at start-up', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'quotas.json');
      writeFileSync(file, JSON.stringify({ preset: 'none', quotas: { CreateKey: 1 } }));
      const node = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--quotas', file], rootEnv());
      const client = new KMSClient({ endpoint: node.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
      try {
        await client.send(new CreateKeyCommand({}));
        assert.deepEqual(await awsError(() => client.send(new CreateKeyCommand({}))), { name: 'ThrottlingException', message: THROTTLING_MESSAGE, status: 400 });
        await client.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      } finally {
        client.destroy();
        node.child.kill('SIGTERM');
        await node.exited;
      }
      writeFileSync(file, JSON.stringify({ quotas: { CreateKye: 1 } }));
      await assert.rejects(
        spawnServer(['--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--quotas', file], rootEnv()),
        /"CreateKye" in "quotas" is not a quota class/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

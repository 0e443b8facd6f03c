/**
 * /metrics (Prometheus text format), /healthz and /readyz, without SigV4;
 * the access log and the log of requests refused before authentication;
 * and a server run with --audit off.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { FailingAuditSink } from '../../src/adapters/audit/memory-sink.js';
import { jsonLogger } from '../../src/adapters/logger.js';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, startTestServer, type TestServer } from '../helpers/trent.js';
import { createUser, iam } from '../helpers/identities.js';
import { failure, requestIdOf, trailEvents } from './audit-support.js';

/** Samples of a Prometheus text exposition: `name{labels}` -> value. Checks every line's syntax. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    assert.ok(m, `not a valid exposition line: ${line}`);
    samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return samples;
}

async function get(url: string, path: string, method = 'GET'): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url + path, { method });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('observability', () => {
  let server: TestServer;
  let kms: KMSClient;
  const lines: Record<string, any>[] = [];

  before(async () => {
    server = await startTestServer({ accessLog: true, logger: jsonLogger((l) => lines.push(JSON.parse(l))) });
    kms = server.kms();
  });
  after(() => server.close());

  it('/healthz answers 200 without credentials; HEAD too', async () => {
    const r = await get(server.url, '/healthz');
    assert.deepEqual([r.status, JSON.parse(r.body)], [200, { status: 'alive' }]);
    const h = await get(server.url, '/healthz', 'HEAD');
    assert.deepEqual([h.status, h.body], [200, '']);
  });

  it('/readyz answers 200 with each check when the store, root key and audit trail work', async () => {
    const r = await get(server.url, '/readyz');
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body);
    assert.equal(body.status, 'ready');
    assert.deepEqual(Object.keys(body.checks), ['store', 'rootKey', 'audit']);
    for (const c of Object.values(body.checks) as { ok: boolean }[]) assert.equal(c.ok, true);
    assert.match(body.checks.store.detail, /^sqlite /);
    assert.equal(body.checks.audit.detail, 'ok');
  });

  it('/metrics counts requests by service, operation and outcome, denials, unauthenticated requests, latency, keys and the trail', async () => {
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const c = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new DisableKeyCommand({ KeyId: b.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: c.KeyId, PendingWindowInDays: 7 }));
    for (let i = 0; i < 4; i++) await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('METRICS-PLAINTEXT') }));
    const user = await createUser(server, 'metered');
    const userKms = user.kms();
    assert.equal((await failure(() => userKms.send(new DescribeKeyCommand({ KeyId: a.Arn })))).name, 'AccessDeniedException');
    userKms.destroy();
    const wrong = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'wrong-secret-0123456789' }, maxAttempts: 1 });
    await failure(() => wrong.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('x') })));
    wrong.destroy();
    const client = iam(server);
    await client.send(new ListUsersCommand({}));
    client.destroy();

    const r = await get(server.url, '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
    const m = parseMetrics(r.body);
    assert.equal(m.get('trent_requests_total{service="kms",operation="Encrypt",outcome="success"}'), 4);
    assert.equal(m.get('trent_requests_total{service="kms",operation="CreateKey",outcome="success"}'), 3);
    assert.equal(m.get('trent_requests_total{service="kms",operation="DescribeKey",outcome="denied"}'), 1);
    assert.equal(m.get('trent_authorization_denials_total{service="kms",operation="DescribeKey"}'), 1);
    assert.equal(m.get('trent_requests_total{service="kms",operation="Encrypt",outcome="unauthenticated"}'), 1);
    assert.equal(m.get('trent_authentication_failures_total{service="kms",code="InvalidSignatureException"}'), 1);
    assert.equal(m.get('trent_requests_total{service="iam",operation="ListUsers",outcome="success"}'), 1);
    assert.equal(m.get('trent_requests_total{service="iam",operation="CreateUser",outcome="success"}'), 1);
    assert.equal(m.get('trent_request_duration_seconds_count{service="kms",operation="Encrypt"}'), 5);
    assert.equal(m.get('trent_request_duration_seconds_bucket{service="kms",operation="Encrypt",le="+Inf"}'), 5);
    assert.ok(m.get('trent_request_duration_seconds_sum{service="kms",operation="Encrypt"}')! > 0);
    assert.equal(m.get('trent_keys{state="Enabled"}'), 1);
    assert.equal(m.get('trent_keys{state="Disabled"}'), 1);
    assert.equal(m.get('trent_keys{state="PendingDeletion"}'), 1);
    assert.equal(m.get('trent_keys{state="PendingImport"}'), 0);
    assert.ok(m.get('trent_scheduler_runs_total{task="key-deletion",outcome="success"}')! >= 1);
    assert.ok(m.get('trent_scheduler_runs_total{task="session-cleanup",outcome="success"}')! >= 1);
    // Every authenticated request above left an event; the unauthenticated one did not.
    const events = (await trailEvents(server)).length;
    assert.equal(m.get('trent_audit_events_written_total'), events);
    assert.equal(m.get('trent_audit_write_latency_seconds_count'), events);
    assert.equal(m.get('trent_audit_write_latency_seconds_bucket{le="+Inf"}'), events);
    assert.equal(m.get('trent_audit_backlog'), 0);
    // The first write extends the new log file (thread pool); on a local disk the later ones run on the loop.
    assert.ok(m.get('trent_audit_loop_writes_total')! >= 1 && m.get('trent_audit_loop_writes_total')! < m.get('trent_audit_batches_total')!);
    assert.equal(m.get('trent_audit_available'), 1);
    assert.equal(m.get('trent_audit_enabled{mode="file"}'), 1);
    assert.equal(m.get('trent_audit_record_failures_total'), 0);
    assert.ok(m.get('process_resident_memory_bytes')! > 0);
    // No identifiers or secrets: key ids, account ids, access key ids, principals, plaintext.
    for (const s of [a.KeyId!, TEST_ACCOUNT, TEST_ACCESS_KEY_ID, user.credentials.accessKeyId, 'metered', TEST_SECRET, Buffer.from('METRICS-PLAINTEXT').toString('base64')]) {
      assert.equal(r.body.includes(s), false, `/metrics shows ${s}`);
    }
  });

  it('an operation name a client makes up does not become a metric label', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Made-Up-Action-123&Version=2010-05-08' });
    assert.equal(res.status, 403);
    const m = await get(server.url, '/metrics');
    assert.equal(m.body.includes('Made-Up-Action-123'), false);
    assert.ok(m.body.includes('trent_requests_total{service="iam",operation="other",outcome="unauthenticated"}'));
  });

  it('the access log: one JSON line per request, with its request id, operation, status, latency and principal, never a secret', async () => {
    lines.length = 0;
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('ACCESS-LOG-PLAINTEXT') }));
    const missing = await failure(() => kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })));
    const access = lines.filter((l) => l.message === 'request');
    assert.equal(access.length, 3);
    const line = access.find((l) => l.requestId === requestIdOf(enc))!;
    assert.deepEqual(Object.keys(line), ['time', 'level', 'message', 'requestId', 'service', 'operation', 'status', 'latencyMs', 'principal', 'sourceIp']);
    assert.deepEqual([line.level, line.service, line.operation, line.status, line.principal], ['info', 'kms', 'Encrypt', 200, `arn:aws:iam::${TEST_ACCOUNT}:root`]);
    assert.equal(typeof line.latencyMs, 'number');
    const failed = access.find((l) => l.requestId === missing.requestId)!;
    assert.deepEqual([failed.status, failed.errorCode], [400, 'NotFoundException']);
    const text = JSON.stringify(lines);
    for (const s of [Buffer.from('ACCESS-LOG-PLAINTEXT').toString('base64'), Buffer.from(enc.CiphertextBlob!).toString('base64'), TEST_SECRET]) {
      assert.equal(text.includes(s), false);
    }
  });

  it('requests refused before authentication are logged (warn, with the claimed access key id), not access-logged', async () => {
    lines.length = 0;
    const wrong = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: { accessKeyId: 'AKIAWRONGWRONG000001', secretAccessKey: 'wrong-secret-0123456789' }, maxAttempts: 1 });
    const e = await failure(() => wrong.send(new CreateKeyCommand({})));
    wrong.destroy();
    assert.deepEqual(lines, [
      {
        time: lines[0].time,
        level: 'warn',
        message: 'request refused before authentication',
        requestId: e.requestId,
        service: 'kms',
        operation: 'CreateKey',
        status: 400,
        errorCode: 'UnrecognizedClientException',
        sourceIp: '127.0.0.1',
        accessKeyId: 'AKIAWRONGWRONG000001',
      },
    ]);
    assert.equal(JSON.stringify(lines).includes('wrong-secret-0123456789'), false);
  });
});

describe('observability when the audit trail is down, or off', () => {
  it('/readyz answers 503 naming the failed check while the audit sink cannot write', async () => {
    const server = await startTestServer({ audit: new FailingAuditSink('disk full') });
    try {
      const r = await get(server.url, '/readyz');
      assert.equal(r.status, 503);
      const body = JSON.parse(r.body);
      assert.equal(body.status, 'not ready');
      assert.deepEqual(body.failed, ['audit']);
      assert.deepEqual(body.checks.audit, { ok: false, detail: 'the audit sink cannot write' });
      assert.equal(body.checks.store.ok, true);
      const m = parseMetrics((await get(server.url, '/metrics')).body);
      assert.equal(m.get('trent_audit_available'), 0);
      assert.equal(m.get('trent_audit_enabled{mode="injected"}'), 1);
      const kms = server.kms();
      await failure(() => kms.send(new CreateKeyCommand({})));
      const after = parseMetrics((await get(server.url, '/metrics')).body);
      assert.equal(after.get('trent_audit_refusals_total'), 1);
      assert.equal(after.get('trent_audit_record_failures_total'), 1);
      assert.equal(after.get('trent_requests_total{service="kms",operation="CreateKey",outcome="server_error"}'), 1);
    } finally {
      await server.close();
    }
  });

  it('with audit off (--audit off, a measuring aid) requests are served, nothing is recorded, and /metrics and /readyz say so', async () => {
    const warnings: string[] = [];
    const server = await startTestServer({ audit: 'off', logger: jsonLogger((l) => warnings.push(l)) });
    try {
      assert.ok(warnings.some((w) => w.includes('AUDIT TRAIL OFF')));
      const kms = server.kms();
      await kms.send(new CreateKeyCommand({}));
      assert.deepEqual(await trailEvents(server), []);
      const ready = JSON.parse((await get(server.url, '/readyz')).body);
      assert.deepEqual(ready.checks.audit, { ok: true, detail: 'disabled (--audit off)' });
      const m = parseMetrics((await get(server.url, '/metrics')).body);
      assert.equal(m.get('trent_audit_enabled{mode="off"}'), 0);
      assert.equal(m.get('trent_audit_events_written_total'), undefined);
    } finally {
      await server.close();
    }
  });
});

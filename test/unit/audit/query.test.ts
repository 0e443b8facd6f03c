import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FileAuditSink } from '../../../src/adapters/audit/file-sink.js';
import { trailDirOf, trailDirsIn } from '../../../src/adapters/audit/layout.js';
import { trailPublicKey } from '../../../src/adapters/audit/signing-key.js';
import { verifyTrail } from '../../../src/adapters/audit/verify.js';
import { AuditReader, InvalidTokenError, filterFromLookup, lookupEventOf, type AuditFilter } from '../../../src/adapters/audit/query.js';
import { ManualClock } from '../../../src/ports/clock.js';
import type { AuditEvent } from '../../../src/audit/event.js';
import { ACCOUNT, KEY_ARN, KEY_ARN_2, KEY_ID, OTHER_ACCOUNT, ScratchDir, T0, alice, event, root, session, testRootKey, writeAtEventsEnd } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const KEY_ARN_3 = `arn:aws:kms:us-west-2:${ACCOUNT}:key/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
const bob = { ...alice, accountId: OTHER_ACCOUNT, arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/Bob`, accessKeyId: 'AKIABOBEXAMPLE000001', userId: 'AIDABOB', userName: 'Bob' };

describe('audit trail queries', () => {
  let scratch: ScratchDir;
  let trail: string;
  let openLog: string;
  const ids: Record<string, string> = {};

  before(async () => {
    scratch = new ScratchDir();
    trail = join(scratch.dir, 'audit');
    const clock = new ManualClock(T0);
    const sink = await FileAuditSink.open({ trailDir: trail, rootKey: testRootKey(), clock, timers: false, algorithm: 'Ed25519' });
    const put = async (name: string, at: number, e: Parameters<typeof event>[0]) => {
      clock.set(at);
      const ev = event({ ...e, time: at, requestId: `req-${name}` });
      ids[name] = ev.eventID;
      await sink.record(ev);
    };
    for (let i = 0; i < 100; i++) await put(`filler${i}`, T0 + i * 100, { operation: 'ListKeys', input: {} });
    await put('e1', T0 + 1 * MIN, { operation: 'Encrypt', input: { KeyId: KEY_ID }, output: {}, keyArns: [KEY_ARN] });
    await put('e2', T0 + 2 * MIN, { operation: 'Decrypt', input: { KeyId: KEY_ID }, error: { code: 'AccessDeniedException', message: 'denied' }, keyArns: [KEY_ARN] });
    await put('e3', T0 + 3 * MIN, { operation: 'GenerateDataKey', caller: session, input: { KeyId: KEY_ARN_2, KeySpec: 'AES_256' }, output: {}, keyArns: [KEY_ARN_2] });
    await put('e4', T0 + 4 * MIN, { operation: 'CreateAlias', caller: root, input: { AliasName: 'alias/payroll', TargetKeyId: KEY_ID }, output: {}, keyArns: [KEY_ARN] });
    await put('k3', T0 + 5 * MIN, { operation: 'Decrypt', input: { KeyId: KEY_ARN_3 }, error: { code: 'DisabledException', message: 'disabled' }, keyArns: [KEY_ARN_3] });
    clock.set(T0 + HOUR);
    await sink.rotateIfDue();
    await put('e5', T0 + HOUR + 1 * MIN, { operation: 'DescribeKey', input: { KeyId: KEY_ID }, output: {}, keyArns: [KEY_ARN] });
    await put('e6', T0 + HOUR + 2 * MIN, { operation: 'Decrypt', caller: session, input: {}, output: { KeyId: KEY_ARN }, keyArns: [KEY_ARN] });
    await put('e7', T0 + HOUR + 3 * MIN, { operation: 'Encrypt', input: { KeyId: 'alias/payroll' }, error: { code: 'DisabledException', message: 'disabled' }, keyArns: [KEY_ARN] });
    await put('e8', T0 + HOUR + 4 * MIN, { service: 'iam', operation: 'CreateUser', caller: root, input: { UserName: 'Carol' }, output: {} });
    await put('k3b', T0 + HOUR + 5 * MIN, { operation: 'DescribeKey', input: { KeyId: KEY_ARN_3 }, output: {}, keyArns: [KEY_ARN_3] });
    clock.set(T0 + 2 * HOUR);
    await sink.rotateIfDue();
    await put('e9', T0 + 2 * HOUR + 1 * MIN, { operation: 'Encrypt', caller: bob, input: { KeyId: KEY_ARN }, output: {}, keyArns: [KEY_ARN] });
    await put('e10', T0 + 2 * HOUR + 2 * MIN, { operation: 'Sign', input: { KeyId: KEY_ARN_2, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }, output: {}, keyArns: [KEY_ARN_2] });
    openLog = sink.stats().currentLogFile!;
    // Left open, with a line being written right now.
    writeAtEventsEnd(join(trail, openLog), '{"eventVersion":"1.11","eventName":"Enc');
  });
  after(() => scratch.dispose());

  const names = (events: AuditEvent[]) =>
    events.map((e) => Object.keys(ids).find((k) => ids[k] === e.eventID) ?? '?').filter((n) => !n.startsWith('filler'));
  const all = async (filter: AuditFilter) => {
    const out: AuditEvent[] = [];
    for await (const e of new AuditReader(trail).events(filter)) out.push(e);
    return out;
  };

  it('reads newest first, the open file included, skipping a line being written', async () => {
    const events = await all({});
    assert.equal(events.length, 112);
    assert.deepEqual(names(events), ['e10', 'e9', 'k3b', 'e8', 'e7', 'e6', 'e5', 'k3', 'e4', 'e3', 'e2', 'e1']);
  });

  it('filters by event name, errors, read-only, event source', async () => {
    assert.deepEqual(names(await all({ eventName: 'Decrypt' })), ['e6', 'k3', 'e2']);
    assert.deepEqual(names(await all({ errorsOnly: true })), ['e7', 'k3', 'e2']);
    assert.deepEqual(names(await all({ readOnly: false })), ['e8', 'e4']);
    assert.deepEqual(names(await all({ eventSource: 'iam.amazonaws.com' })), ['e8']);
  });

  it('filters by key: id, ARN or alias, in resources and request fields', async () => {
    const forKey = ['e9', 'e7', 'e6', 'e5', 'e4', 'e2', 'e1'];
    assert.deepEqual(names(await all({ key: KEY_ID })), forKey);
    assert.deepEqual(names(await all({ key: KEY_ARN })), forKey);
    assert.deepEqual(names(await all({ key: 'alias/payroll' })), ['e7', 'e4']);
    assert.deepEqual(names(await all({ key: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/payroll` })), ['e7', 'e4']);
    assert.deepEqual(names(await all({ key: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}` })), []);
  });

  it('filters by principal: user ARN, access key, role (all its sessions), user name', async () => {
    assert.deepEqual(names(await all({ principal: session.roleArn })), ['e6', 'e3']);
    assert.deepEqual(names(await all({ principal: session.accessKeyId })), ['e6', 'e3']);
    assert.deepEqual(names(await all({ principal: root.arn })), ['e8', 'e4']);
    assert.deepEqual(names(await all({ principal: 'Bob' })), ['e9']);
    assert.deepEqual(names(await all({ username: 'build-42' })), ['e6', 'e3']);
    assert.deepEqual(names(await all({ username: 'root' })), ['e8', 'e4']);
    assert.deepEqual(names(await all({ accessKeyId: bob.accessKeyId })), ['e9']);
  });

  it('filters by time range and account', async () => {
    assert.deepEqual(names(await all({ startTime: T0 + HOUR, endTime: T0 + 2 * HOUR - 1 })), ['k3b', 'e8', 'e7', 'e6', 'e5']);
    assert.deepEqual(names(await all({ accountId: OTHER_ACCOUNT })), ['e9'], 'the caller sees its own call');
    assert.ok(names(await all({ accountId: ACCOUNT })).includes('e9'), 'and so does the key owner');
  });

  it('stops reading once past the start of the time range', async () => {
    const reader = new AuditReader(trail);
    for await (const e of reader.events({ startTime: T0 + 2 * HOUR })) void e;
    assert.ok(reader.counters.linesRead < 15, `read ${reader.counters.linesRead} lines`);
  });

  it('pages with continuation tokens, without gaps or repeats', async () => {
    const reader = new AuditReader(trail);
    const seen: AuditEvent[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await reader.page({ key: KEY_ID }, { maxResults: 2, ...(token ? { nextToken: token } : {}) });
      assert.ok(page.events.length <= 2 && page.events.length > 0);
      seen.push(...page.events);
      token = page.nextToken;
      pages++;
    } while (token);
    assert.equal(pages, 4);
    assert.deepEqual(names(seen), ['e9', 'e7', 'e6', 'e5', 'e4', 'e2', 'e1']);
    const whole = await reader.page({}, { maxResults: 200 });
    assert.equal(whole.events.length, 50, 'at most 50 a page');
  });

  it('refuses a token from another query, a damaged token, a token naming a file outside the trail', async () => {
    const reader = new AuditReader(trail);
    const { nextToken } = await reader.page({ eventName: 'Decrypt' }, { maxResults: 1 });
    assert.ok(nextToken);
    await assert.rejects(reader.page({ eventName: 'Encrypt' }, { nextToken }), InvalidTokenError);
    await assert.rejects(reader.page({}, { nextToken: 'garbage' }), InvalidTokenError);
    const evil = Buffer.from(JSON.stringify({ v: 2, t: [['audit', '../../etc/passwd', 10]], h: 'x' })).toString('base64url');
    await assert.rejects(reader.page({}, { nextToken: evil }), InvalidTokenError);
    const evilTrail = Buffer.from(JSON.stringify({ v: 2, t: [['../audit', openLog, 10]], h: 'x' })).toString('base64url');
    await assert.rejects(reader.page({}, { nextToken: evilTrail }), InvalidTokenError);
  });

  it('lastUsage: the newest successful cryptographic use of the key', async () => {
    const reader = new AuditReader(trail);
    const u = await reader.lastUsage(KEY_ARN);
    assert.deepEqual(u, { operation: 'Encrypt', time: T0 + 2 * HOUR + MIN, eventId: ids.e9, requestId: 'req-e9', region: 'us-west-2' });
    assert.equal((await reader.lastUsage(KEY_ARN_2))?.operation, 'Sign');
    assert.equal(await reader.lastUsage(KEY_ARN_3), undefined, 'failed calls and DescribeKey are not uses');
    assert.equal(await reader.lastUsage(KEY_ARN_2, { notBefore: T0 + 3 * HOUR }), undefined);
    assert.equal(await reader.oldestEventTime(), T0);
  });

  it("LookupEvents: attributes map to filters; events take LookupEvents' shape", async () => {
    assert.deepEqual(filterFromLookup([{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }], { accountId: ACCOUNT, region: 'us-west-2' }), {
      accountId: ACCOUNT,
      region: 'us-west-2',
      readOnly: false,
    });
    assert.deepEqual(filterFromLookup([{ AttributeKey: 'ResourceName', AttributeValue: KEY_ARN }]), { resourceName: KEY_ARN });
    assert.throws(() => filterFromLookup([{ AttributeKey: 'Bogus', AttributeValue: 'x' }]));
    assert.deepEqual(names(await all(filterFromLookup([{ AttributeKey: 'ResourceName', AttributeValue: KEY_ARN_2 }]))), ['e10', 'e3']);
    assert.deepEqual(names(await all(filterFromLookup([{ AttributeKey: 'EventId', AttributeValue: ids.e4 }]))), ['e4']);
    const [e] = await all({ eventId: ids.e3 });
    const view = lookupEventOf(e);
    assert.deepEqual({ ...view, CloudTrailEvent: JSON.parse(view.CloudTrailEvent) }, {
      EventId: ids.e3,
      EventName: 'GenerateDataKey',
      ReadOnly: 'true',
      AccessKeyId: session.accessKeyId,
      EventTime: (T0 + 3 * MIN) / 1000,
      EventSource: 'kms.amazonaws.com',
      Username: 'build-42',
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: KEY_ARN_2 }],
      CloudTrailEvent: e,
    });
  });
});

describe('audit trails of several writers, read as one', () => {
  let scratch: ScratchDir;
  const ids: Record<string, string> = {};
  let reader: AuditReader;

  before(async () => {
    scratch = new ScratchDir();
    const rootKey = testRootKey();
    const clock = new ManualClock(T0);
    const first = await FileAuditSink.open({ trailDir: trailDirOf(scratch.dir, 1), rootKey, clock, timers: false, algorithm: 'Ed25519' });
    const second = await FileAuditSink.open({ trailDir: trailDirOf(scratch.dir, 2), rootKey, clock, timers: false, shareSigningKeyOf: trailDirOf(scratch.dir, 1) });
    const put = async (sink: FileAuditSink, name: string, at: number, keyArn: string) => {
      clock.set(at);
      const ev = event({ operation: 'Encrypt', input: { KeyId: keyArn }, output: {}, keyArns: [keyArn], time: at, requestId: `req-${name}` });
      ids[name] = ev.eventID;
      await sink.record(ev);
    };
    // Writer 1 and writer 2 interleave in time; writer 2 rotates its log file in the middle.
    await put(first, 'a1', T0 + 1 * MIN, KEY_ARN);
    await put(second, 'b1', T0 + 2 * MIN, KEY_ARN);
    await put(second, 'b2', T0 + 3 * MIN, KEY_ARN_2);
    await put(first, 'a2', T0 + 4 * MIN, KEY_ARN_2);
    clock.set(T0 + HOUR);
    await second.rotateIfDue();
    await put(second, 'b3', T0 + HOUR + 1 * MIN, KEY_ARN);
    await put(first, 'a3', T0 + HOUR + 2 * MIN, KEY_ARN);
    await put(second, 'b4', T0 + HOUR + 3 * MIN, KEY_ARN_2);
    await first.close();
    await second.close();
    reader = new AuditReader(() => trailDirsIn(scratch.dir));
  });
  after(() => scratch.dispose());

  const names = (events: AuditEvent[]) => events.map((e) => Object.keys(ids).find((k) => ids[k] === e.eventID) ?? '?');

  it('finds every writer\'s trail, writer 1 first', async () => {
    assert.deepEqual(await trailDirsIn(scratch.dir), [join(scratch.dir, 'audit'), join(scratch.dir, 'audit-2')]);
  });

  it('merges the trails newest first', async () => {
    const out: AuditEvent[] = [];
    for await (const e of reader.events({})) out.push(e);
    assert.deepEqual(names(out), ['b4', 'a3', 'b3', 'a2', 'b2', 'b1', 'a1']);
    const forKey: AuditEvent[] = [];
    for await (const e of reader.events({ key: KEY_ARN_2 })) forKey.push(e);
    assert.deepEqual(names(forKey), ['b4', 'a2', 'b2']);
  });

  it('pages across the trails without gaps or repeats, at every page size', async () => {
    for (const size of [1, 2, 3, 4]) {
      const seen: AuditEvent[] = [];
      let token: string | undefined;
      do {
        const page = await reader.page({}, { maxResults: size, ...(token ? { nextToken: token } : {}) });
        seen.push(...page.events);
        token = page.nextToken;
      } while (token);
      assert.deepEqual(names(seen), ['b4', 'a3', 'b3', 'a2', 'b2', 'b1', 'a1'], `page size ${size}`);
    }
  });

  it('lastUsage and the tracking start look at every trail', async () => {
    assert.equal((await reader.lastUsage(KEY_ARN))?.eventId, ids.a3);
    assert.equal((await reader.lastUsage(KEY_ARN_2))?.eventId, ids.b4);
    assert.equal(await reader.oldestEventTime(), T0 + MIN);
  });

  it('the trails share one signing key, and each verifies with it', async () => {
    const key = await trailPublicKey(trailDirOf(scratch.dir, 1));
    assert.ok(key);
    assert.equal((await trailPublicKey(trailDirOf(scratch.dir, 2)))?.fingerprint, key.fingerprint);
    for (const trailDir of await trailDirsIn(scratch.dir)) assert.deepEqual((await verifyTrail({ trailDir, publicKeys: [key] })).findings, [], trailDir);
  });
});

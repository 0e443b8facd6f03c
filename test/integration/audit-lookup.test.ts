/**
 * Querying the trail over the API: CloudTrail's LookupEvents on Trent's
 * endpoint (raw signed requests and `aws cloudtrail lookup-events` through
 * the AWS CLI v1), and KMS GetKeyLastUsage through the SDK.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyLastUsageCommand,
  KMSClient,
  ReEncryptCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import type { AuditEvent } from '../../src/audit/event.js';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, startTestServer, tempDir, type TestServer } from '../helpers/trent.js';
import { createAccount, createUser } from '../helpers/identities.js';
import { LOOKUP_EVENTS, eventOf, failure, requestIdOf, signedJson, trailEvents } from './audit-support.js';
import { isolatedCliEnv, runAws } from '../helpers/aws-cli.js';

describe('CloudTrail LookupEvents and KMS GetKeyLastUsage', () => {
  let server: TestServer;
  let kms: KMSClient;
  let key: KeyMetadata;
  let encryptRequestIds: string[] = [];

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    key = (await kms.send(new CreateKeyCommand({ Description: 'looked up' }))).KeyMetadata!;
    for (let i = 0; i < 3; i++) {
      const out = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from(`m${i}`) }));
      encryptRequestIds.push(requestIdOf(out)!);
    }
    encryptRequestIds = encryptRequestIds.reverse(); // newest first
  });
  after(() => server.close());

  describe('LookupEvents', () => {
    it('EventName=Encrypt: the caller account\'s Encrypt events, newest first, in CloudTrail\'s response shape', async () => {
      const r = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const events = r.body.Events as any[];
      assert.equal(events.length, 3);
      assert.equal(r.body.NextToken, undefined);
      const recorded = await trailEvents(server, { eventName: 'Encrypt' });
      for (const [i, e] of events.entries()) {
        const t: AuditEvent = JSON.parse(e.CloudTrailEvent);
        assert.equal(t.requestID, encryptRequestIds[i]);
        assert.deepEqual(t, recorded[i]);
        assert.deepEqual(e, {
          EventId: t.eventID,
          EventName: 'Encrypt',
          ReadOnly: 'true',
          AccessKeyId: TEST_ACCESS_KEY_ID,
          EventTime: Date.parse(t.eventTime) / 1000,
          EventSource: 'kms.amazonaws.com',
          Username: 'root',
          Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: key.Arn }],
          CloudTrailEvent: e.CloudTrailEvent,
        });
      }
    });

    it('each lookup attribute filters: EventId, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId', async () => {
      const lookup = async (AttributeKey: string, AttributeValue: string) => {
        const r = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: [{ AttributeKey, AttributeValue }] });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.Events as any[];
      };
      const [first] = await lookup('EventName', 'CreateKey');
      assert.deepEqual((await lookup('EventId', first.EventId)).map((e) => e.EventId), [first.EventId]);
      const writes = await lookup('ReadOnly', 'false');
      assert.ok(writes.length > 0 && writes.every((e) => e.ReadOnly === 'false'));
      assert.ok((await lookup('Username', 'root')).length >= 4);
      assert.equal((await lookup('Username', 'nobody-at-all')).length, 0);
      assert.ok((await lookup('ResourceType', 'AWS::KMS::Key')).every((e) => e.Resources.some((r: any) => r.ResourceType === 'AWS::KMS::Key')));
      const byKey = await lookup('ResourceName', key.Arn!);
      assert.deepEqual(byKey.map((e) => e.EventName), ['Encrypt', 'Encrypt', 'Encrypt', 'CreateKey']);
      assert.deepEqual((await lookup('ResourceName', key.KeyId!)).map((e) => e.EventId), byKey.map((e) => e.EventId));
      assert.ok((await lookup('EventSource', 'kms.amazonaws.com')).every((e) => e.EventSource === 'kms.amazonaws.com'));
      assert.ok((await lookup('AccessKeyId', TEST_ACCESS_KEY_ID)).length >= 4);
    });

    it('pages with MaxResults and NextToken, without overlap, and refuses a token used with other attributes', async () => {
      const attrs = [{ AttributeKey: 'ResourceName', AttributeValue: key.Arn }];
      const p1 = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: attrs, MaxResults: 3 });
      assert.equal(p1.body.Events.length, 3);
      assert.equal(typeof p1.body.NextToken, 'string');
      const p2 = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: attrs, MaxResults: 3, NextToken: p1.body.NextToken });
      assert.equal(p2.status, 200);
      assert.deepEqual(p2.body.Events.map((e: any) => e.EventName), ['CreateKey']);
      assert.equal(p2.body.NextToken, undefined);
      const other = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }], NextToken: p1.body.NextToken });
      assert.deepEqual([other.status, other.body.__type], [400, 'InvalidNextTokenException']);
      const garbage = await signedJson(server.url, LOOKUP_EVENTS, { NextToken: 'not-a-token' });
      assert.deepEqual([garbage.status, garbage.body.__type], [400, 'InvalidNextTokenException']);
    });

    it('StartTime and EndTime (epoch seconds) bound the events', async () => {
      const [latest] = (await signedJson(server.url, LOOKUP_EVENTS, { MaxResults: 1 })).body.Events;
      const future = await signedJson(server.url, LOOKUP_EVENTS, { StartTime: latest.EventTime + 3600 });
      assert.deepEqual(future.body.Events, []);
      const past = await signedJson(server.url, LOOKUP_EVENTS, { EndTime: latest.EventTime - 3600 });
      assert.deepEqual(past.body.Events, []);
      const now = await signedJson(server.url, LOOKUP_EVENTS, { StartTime: latest.EventTime, EndTime: latest.EventTime, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] });
      assert.equal(now.body.Events.length, 3);
    });

    it("CloudTrail's errors for bad input", async () => {
      const cases: [object, string][] = [
        [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }, { AttributeKey: 'Username', AttributeValue: 'root' }] }, 'InvalidLookupAttributesException'],
        [{ LookupAttributes: [{ AttributeKey: 'Colour', AttributeValue: 'blue' }] }, 'InvalidLookupAttributesException'],
        [{ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] }, 'InvalidLookupAttributesException'],
        [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] }, 'InvalidLookupAttributesException'],
        [{ MaxResults: 51 }, 'InvalidMaxResultsException'],
        [{ MaxResults: 0 }, 'InvalidMaxResultsException'],
        [{ StartTime: 2000, EndTime: 1000 }, 'InvalidTimeRangeException'],
        [{ EventCategory: 'data' }, 'InvalidEventCategoryException'],
      ];
      for (const [input, code] of cases) {
        const r = await signedJson(server.url, LOOKUP_EVENTS, input);
        assert.deepEqual([r.status, r.body.__type], [400, code], JSON.stringify(input));
        assert.equal(typeof r.body.message, 'string');
      }
      const unknown = await signedJson(server.url, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DeleteTrail', {});
      assert.deepEqual([unknown.status, unknown.body.__type], [400, 'UnknownOperationException']);
      const wrongScope = await signedJson(server.url, LOOKUP_EVENTS, {}, { service: 'kms' });
      assert.deepEqual([wrongScope.status, wrongScope.body.__type], [400, 'InvalidSignatureException']);
      assert.equal(wrongScope.body.message, "Credential should be scoped to correct service: 'cloudtrail'. ");
    });

    it('a caller sees only its own account, in the region it signs for', async () => {
      const other = await createAccount(server, '444455556666');
      const otherKms = other.kms();
      await otherKms.send(new CreateKeyCommand({}));
      otherKms.destroy();
      const theirs = await signedJson(server.url, LOOKUP_EVENTS, {}, { accessKeyId: other.credentials.accessKeyId, secretAccessKey: other.credentials.secretAccessKey });
      assert.equal(theirs.status, 200);
      assert.deepEqual(theirs.body.Events.map((e: any) => e.EventName), ['CreateKey']);
      assert.ok(theirs.body.Events.every((e: any) => JSON.parse(e.CloudTrailEvent).recipientAccountId === '444455556666'));
      const ours = await signedJson(server.url, LOOKUP_EVENTS, {});
      assert.ok(ours.body.Events.every((e: any) => JSON.parse(e.CloudTrailEvent).userIdentity.accountId === TEST_ACCOUNT));
      const west = await signedJson(server.url, LOOKUP_EVENTS, {}, { region: 'us-west-2' });
      assert.ok(west.body.Events.every((e: any) => JSON.parse(e.CloudTrailEvent).awsRegion === 'us-west-2'));
      assert.ok(!west.body.Events.some((e: any) => e.EventName === 'Encrypt'));
    });

    it('is authorized by identity policies (cloudtrail:LookupEvents); the call itself is recorded', async () => {
      const denied = await createUser(server, 'no-trail');
      const r = await signedJson(server.url, LOOKUP_EVENTS, {}, denied.credentials);
      assert.deepEqual([r.status, r.body.__type], [400, 'AccessDeniedException']);
      assert.equal(
        r.body.message,
        `User: ${denied.arn} is not authorized to perform: cloudtrail:LookupEvents on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action`,
      );
      let e = await eventOf(server, r.requestId!);
      assert.deepEqual([e.eventSource, e.eventName, e.errorCode, e.readOnly], ['cloudtrail.amazonaws.com', 'LookupEvents', 'AccessDeniedException', true]);

      const auditor = await createUser(server, 'auditor', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] });
      const ok = await signedJson(server.url, LOOKUP_EVENTS, { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'no-trail' }] }, auditor.credentials);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.Events.map((x: any) => x.EventName), ['LookupEvents']);
      e = await eventOf(server, ok.requestId!);
      assert.deepEqual(e.requestParameters, { lookupAttributes: [{ attributeKey: 'Username', attributeValue: 'no-trail' }] });
      assert.equal(e.userIdentity.userName, 'auditor');
    });

    it('aws cloudtrail lookup-events (AWS CLI v1) with an EventName attribute, and its paging', async () => {
      const work = tempDir('trent-ct-cli-');
      try {
        const env = isolatedCliEnv(work, TEST_REGION, { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET });
        const base = ['cloudtrail', 'lookup-events', '--endpoint-url', server.url, '--output', 'json'];
        const r = await runAws([...base, '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=Encrypt'], env);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.Events.length, 3);
        for (const e of out.Events) {
          assert.equal(e.EventName, 'Encrypt');
          assert.equal(e.Username, 'root');
          assert.match(String(e.EventTime), /^\d{4}-\d{2}-\d{2}T|^\d+(\.\d+)?$/);
          assert.equal(JSON.parse(e.CloudTrailEvent).eventSource, 'kms.amazonaws.com');
        }
        assert.deepEqual(out.Events.map((e: any) => JSON.parse(e.CloudTrailEvent).requestID), encryptRequestIds);
        // The CLI pages by itself (MaxResults per call) and stops at --max-items with a NextToken.
        const paged = await runAws([...base, '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=Encrypt', '--page-size', '1', '--max-items', '2'], env);
        assert.equal(paged.code, 0, paged.stderr);
        const two = JSON.parse(paged.stdout);
        assert.equal(two.Events.length, 2);
        assert.equal(typeof two.NextToken, 'string');
        const bad = await runAws([...base, '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=Encrypt', 'AttributeKey=Username,AttributeValue=root'], env);
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /InvalidLookupAttributesException/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });

  describe('GetKeyLastUsage', () => {
    it('a key never used: no KeyLastUsage; tracking starts at its creation', async () => {
      const fresh = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new DescribeKeyCommand({ KeyId: fresh.KeyId }));
      const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: fresh.KeyId }));
      assert.equal(out.KeyId, fresh.Arn);
      assert.equal(out.KeyLastUsage, undefined);
      assert.equal(out.KeyCreationDate!.getTime(), fresh.CreationDate!.getTime());
      assert.equal(out.TrackingStartDate!.getTime(), fresh.CreationDate!.getTime());
    });

    it('the last successful cryptographic use, with its CloudTrail event id and request id; failures and reads do not count', async () => {
      const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.Arn }));
      const last = await eventOf(server, encryptRequestIds[0]);
      assert.deepEqual(out.KeyLastUsage, {
        Operation: 'Encrypt',
        Timestamp: new Date(Date.parse(last.eventTime)),
        CloudTrailEventId: last.eventID,
        KmsRequestId: encryptRequestIds[0],
      });
      // A failed Decrypt (wrong context) and a DescribeKey change nothing.
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('z'), EncryptionContext: { a: 'b' } }));
      server.clock.advance(5000);
      assert.equal((await failure(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })))).name, 'InvalidCiphertextException');
      await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
      let now = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.KeyId }));
      assert.equal(now.KeyLastUsage!.KmsRequestId, requestIdOf(enc));

      // ReEncrypt counts for both keys.
      const dest = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { a: 'b' }, DestinationKeyId: dest.KeyId }));
      for (const k of [key, dest]) {
        now = await kms.send(new GetKeyLastUsageCommand({ KeyId: k.KeyId }));
        assert.deepEqual([now.KeyLastUsage!.Operation, now.KeyLastUsage!.KmsRequestId], ['ReEncrypt', requestIdOf(re)]);
      }
      const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
      await kms.send(new GenerateMacCommand({ KeyId: hmac.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }));
      assert.equal((await kms.send(new GetKeyLastUsageCommand({ KeyId: hmac.KeyId }))).KeyLastUsage!.Operation, 'GenerateMac');
    });

    it('is authorized by the key policy and IAM (kms:GetKeyLastUsage), takes no alias, and is itself recorded', async () => {
      const user = await createUser(server, 'usage-reader');
      const client = user.kms();
      const denied = await failure(() => client.send(new GetKeyLastUsageCommand({ KeyId: key.Arn })));
      client.destroy();
      assert.equal(denied.name, 'AccessDeniedException');
      assert.match(denied.message, /not authorized to perform: kms:GetKeyLastUsage on resource: arn:aws:kms:/);
      const e = await eventOf(server, denied.requestId);
      assert.deepEqual([e.eventName, e.errorCode, e.readOnly], ['GetKeyLastUsage', 'AccessDenied', true]);
      assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn]);
      const alias = await failure(() => kms.send(new GetKeyLastUsageCommand({ KeyId: 'alias/anything' })));
      assert.equal(alias.name, 'NotFoundException');
      const missing = await failure(() => kms.send(new GetKeyLastUsageCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })));
      assert.equal(missing.name, 'NotFoundException');
    });
  });
});

/**
 * Fail closed: a request whose audit event cannot be recorded is answered
 * with an internal error (KMS: 500 KMSInternalException; IAM: 500
 * ServiceFailure; STS: 500 InternalFailure; CloudTrail: 500), and while the
 * trail is known to be down nothing is performed: no key, user or deletion
 * happens that the trail could not show. The gate reopens by itself once the
 * trail takes an event again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand, ListKeysCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { FailingAuditSink, MemoryAuditSink } from '../../src/adapters/audit/memory-sink.js';
import type { AuditEvent } from '../../src/audit/event.js';
import { AuditUnavailableError, type AuditSink } from '../../src/ports/audit-sink.js';
import { TEST_ACCOUNT, TEST_REGION, startTestServer, type TestServer } from '../helpers/trent.js';
import { iam, sts } from '../helpers/identities.js';
import { signedRequest } from '../helpers/raw-request.js';
import { LOOKUP_EVENTS, failure, signedJson } from './audit-support.js';

/** A sink that can be switched off (and say so, or not), or made to fail its next N records. */
class SwitchableSink implements AuditSink {
  readonly memory = new MemoryAuditSink();
  down = false;
  /** Whether writable() admits that it is down. */
  admits = true;
  failNext = 0;
  attempts = 0;

  async record(event: AuditEvent): Promise<void> {
    this.attempts++;
    if (this.down) throw new AuditUnavailableError('disk full');
    if (this.failNext > 0) {
      this.failNext--;
      throw new AuditUnavailableError('disk full');
    }
    await this.memory.record(event);
  }

  writable(): boolean {
    return !(this.down && this.admits);
  }

  async close(): Promise<void> {
    await this.memory.close();
  }
}

async function keysInStore(server: TestServer): Promise<number> {
  return (await server.trent.deps.store.listKeys(TEST_ACCOUNT, TEST_REGION, undefined, 1000)).items.length;
}

describe('audit: fail closed', () => {
  it('with a sink that cannot write, every API answers 500 and nothing is created', async () => {
    const sink = new FailingAuditSink();
    const server = await startTestServer({ audit: sink });
    try {
      const kms = server.kms();
      let e = await failure(() => kms.send(new CreateKeyCommand({})));
      assert.deepEqual([e.name, e.status, e.message], ['KMSInternalException', 500, 'An internal error occurred.']);
      assert.equal(await keysInStore(server), 0);

      const client = iam(server);
      e = await failure(() => client.send(new CreateUserCommand({ UserName: 'ghost' })));
      client.destroy();
      // The wire code is ServiceFailure, which the IAM model names ServiceFailureException.
      assert.deepEqual([e.name, e.status], ['ServiceFailureException', 500]);
      assert.equal(await server.trent.deps.identity.getUser(TEST_ACCOUNT, 'ghost'), undefined);

      const stsClient = sts(server);
      e = await failure(() => stsClient.send(new GetCallerIdentityCommand({})));
      stsClient.destroy();
      assert.deepEqual([e.name, e.status], ['InternalFailure', 500]);

      const lookup = await signedJson(server.url, LOOKUP_EVENTS, {});
      assert.equal(lookup.status, 500);
      assert.equal(lookup.body.Events, undefined);

      // Every refused request still offered its event: the first one the trail takes reopens the gate.
      assert.equal(sink.attempts, 4);
    } finally {
      await server.close();
    }
  });

  it('a write that fails unannounced withholds the result, and the next changes wait until the trail takes an event', async () => {
    const sink = new SwitchableSink();
    const server = await startTestServer({ audit: sink });
    try {
      const kms = server.kms();
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      sink.down = true;
      sink.admits = false;
      // Encrypt runs, but its event cannot be written: no ciphertext reaches the client.
      const raw = await signedRequest(server.url, 'Encrypt', { KeyId: key.KeyId, Plaintext: Buffer.from('secret').toString('base64') });
      assert.equal(raw.status, 500);
      assert.deepEqual(JSON.parse(raw.body), { __type: 'KMSInternalException', message: 'An internal error occurred.' });
      assert.equal(raw.body.includes('CiphertextBlob'), false);
      // The trail is now known to be failing: CreateKey is not performed.
      const e = await failure(() => kms.send(new CreateKeyCommand({})));
      assert.deepEqual([e.name, e.status], ['KMSInternalException', 500]);
      assert.equal(await keysInStore(server), 1);

      // The disk recovers: the first request is still refused (its refusal event, now recorded, reopens the gate)...
      sink.down = false;
      const refused = await failure(() => kms.send(new CreateKeyCommand({})));
      assert.equal(refused.name, 'KMSInternalException');
      assert.equal(await keysInStore(server), 1);
      const refusal = sink.memory.events.at(-1)!;
      assert.equal(refusal.eventName, 'CreateKey');
      assert.equal(refusal.errorCode, 'KMSInternalException');
      assert.match(refusal.errorMessage!, /audit trail cannot record this request, so it was not performed/);
      // ...and the next one is performed.
      const made = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      assert.equal(await keysInStore(server), 2);
      assert.equal(sink.memory.events.at(-1)!.responseElements !== null, true);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: made.KeyId }))).KeyMetadata!.KeyState, 'Enabled');
    } finally {
      await server.close();
    }
  });

  it('one failed write fails only its request once the trail recovers', async () => {
    const sink = new SwitchableSink();
    const server = await startTestServer({ audit: sink });
    try {
      const kms = server.kms();
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      sink.failNext = 1;
      const e = await failure(() => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
      assert.deepEqual([e.name, e.status], ['KMSInternalException', 500]);
      // A read-only call: refused (not performed), its event recorded, the gate reopens.
      assert.equal((await failure(() => kms.send(new ListKeysCommand({})))).name, 'KMSInternalException');
      assert.equal((await kms.send(new ListKeysCommand({}))).Keys!.length, 1);
    } finally {
      await server.close();
    }
  });

  it('the scheduler does not delete a key whose DeleteKey event cannot be recorded; it does once the trail recovers', async () => {
    const sink = new SwitchableSink();
    const server = await startTestServer({ audit: sink });
    try {
      const kms = server.kms();
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
      server.clock.advance(8 * 86_400_000);
      sink.down = true;
      assert.equal(await server.trent.sweep(), 0);
      assert.equal((await server.trent.deps.store.getKey(TEST_ACCOUNT, TEST_REGION, key.KeyId!))?.state, 'PendingDeletion');
      sink.down = false;
      assert.equal(await server.trent.sweep(), 1);
      assert.equal(await server.trent.deps.store.getKey(TEST_ACCOUNT, TEST_REGION, key.KeyId!), undefined);
      const deleted = sink.memory.events.filter((e) => e.eventName === 'DeleteKey');
      assert.equal(deleted.length, 1);
      assert.equal(deleted[0].eventType, 'AwsServiceEvent');
      assert.equal(deleted[0].resources![0].ARN, key.Arn);
    } finally {
      await server.close();
    }
  });
});

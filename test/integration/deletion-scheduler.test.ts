/** Scheduled deletion completes when its window passes, on a moved clock and across restarts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { ManualClock } from '../../src/ports/clock.js';
import { awsError, startTestServer, tempDir } from '../helpers/trent.js';

const DAY = 86_400_000;

describe('deletion scheduler', () => {
  it('deletes a key, its material and aliases once the window has passed, not before', async () => {
    const server = await startTestServer();
    try {
      const kms = server.kms();
      const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const keep = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: k.KeyId }));
      const enc = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));

      server.clock.advance(7 * DAY - 1000);
      assert.equal(await server.trent.sweep(), 0);
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.KeyState, 'PendingDeletion');

      server.clock.advance(2000);
      assert.equal(await server.trent.sweep(), 1);
      const e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: k.KeyId })));
      assert.deepEqual([e.name, e.message], ['NotFoundException', `Key '${k.Arn}' does not exist`]);
      const keys = (await kms.send(new ListKeysCommand({}))).Keys!.map((x) => x.KeyId);
      assert.deepEqual(keys, [keep.KeyId]);
      assert.deepEqual((await kms.send(new ListAliasesCommand({}))).Aliases, []);
      assert.equal(await server.trent.deps.store.getMaterial(k.AWSAccountId!, 'us-east-1', k.KeyId!, 1), undefined);
      const d = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
      assert.equal(d.name, 'AccessDeniedException');
    } finally {
      await server.close();
    }
  });

  it('catches up on deletions that fell due while the server was down', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    try {
      const first = await startTestServer({ dataDir, clock });
      const kms = first.kms();
      const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const later = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: later.KeyId, PendingWindowInDays: 30 }));
      await first.close();

      clock.advance(10 * DAY);
      const second = await startTestServer({ dataDir, clock });
      try {
        const kms2 = second.kms();
        assert.equal((await awsError(() => kms2.send(new DescribeKeyCommand({ KeyId: k.KeyId })))).name, 'NotFoundException');
        const md = (await kms2.send(new DescribeKeyCommand({ KeyId: later.KeyId }))).KeyMetadata!;
        assert.equal(md.KeyState, 'PendingDeletion');
        assert.equal(md.DeletionDate!.getTime(), Date.UTC(2026, 0, 31));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('runs on its own timer', async () => {
    const server = await startTestServer({ sweepIntervalMs: 20 });
    try {
      const kms = server.kms();
      const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
      server.clock.advance(8 * DAY);
      const deadline = Date.now() + 5000;
      for (;;) {
        const e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).catch(() => undefined);
        if (e?.name === 'NotFoundException') break;
        assert.ok(Date.now() < deadline, 'the timer did not delete the key');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await server.close();
    }
  });
});

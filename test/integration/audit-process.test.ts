/**
 * The trail of `bin/trent server` as a process: log files sealed on the
 * --audit-rotation schedule and at graceful shutdown; and after kill -9 in
 * the middle of a write-heavy load, every acknowledged request's event is in
 * the trail, the restart seals the file left open (and says so), and the
 * trail verifies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSClient, TagResourceCommand } from '@aws-sdk/client-kms';
import { listFiles } from '../../src/adapters/audit/trail-files.js';
import { DIGESTS_DIR, digestSeqOf, trailDirsIn } from '../../src/adapters/audit/layout.js';
import { AuditReader } from '../../src/adapters/audit/query.js';
import { spawnServer } from '../helpers/child-server.js';
import { TEST_ACCESS_KEY_ID, TEST_SECRET, rootEnv, tempDir } from '../helpers/trent.js';
import { requestIdOf, trentCli } from './audit-support.js';

function client(url: string): KMSClient {
  return new KMSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
}

/** Request ids in every trail of the data directory (one per worker process). */
async function requestIdsInTrail(dataDir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const e of new AuditReader(() => trailDirsIn(dataDir)).events({})) if (e.requestID) ids.add(e.requestID);
  return ids;
}

describe('the audit trail of a server process', () => {
  it('--audit-rotation seals log files on schedule; SIGTERM seals the last one; the trail verifies', async () => {
    const dataDir = tempDir();
    try {
      const server = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--audit-rotation', '1', '--audit-signing-algorithm', 'Ed25519'], rootEnv());
      const kms = client(server.url);
      const until = Date.now() + 2600;
      while (Date.now() < until) {
        await kms.send(new CreateKeyCommand({}));
        await new Promise((r) => setTimeout(r, 100));
      }
      kms.destroy();
      const digestsWhileRunning = (await listFiles(join(dataDir, 'audit'), DIGESTS_DIR, digestSeqOf)).length;
      assert.ok(digestsWhileRunning >= 2, `${digestsWhileRunning} digests after 2.6 s with a 1 s rotation`);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      const head = JSON.parse(readFileSync(join(dataDir, 'audit', 'HEAD.json'), 'utf8'));
      assert.equal(head.head.openLog, null, 'the last log file was sealed at shutdown');
      const signingKey = JSON.parse(readFileSync(join(dataDir, 'audit', 'signing-key.json'), 'utf8'));
      assert.equal(signingKey.algorithm, 'Ed25519');
      const r = await trentCli(['audit', 'verify', '--data-dir', dataDir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /being written/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('after kill -9 under load, every acknowledged request has its event and the repaired trail verifies', async () => {
    const dataDir = tempDir();
    try {
      const first = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms = client(first.url);
      const acked: string[] = [];
      const stop = { now: false };
      const writer = async (id: number) => {
        let n = 0;
        while (!stop.now) {
          try {
            const created = await kms.send(new CreateKeyCommand({ Description: `w${id}-${n}` }));
            acked.push(requestIdOf(created)!);
            const keyId = created.KeyMetadata!.KeyId!;
            acked.push(requestIdOf(await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })))!);
            acked.push(requestIdOf(await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'n', TagValue: String(n) }] })))!);
            n++;
          } catch {
            return; // the server died mid-request: that request was never acknowledged
          }
        }
      };
      const writers = Array.from({ length: 6 }, (_, i) => writer(i));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await first.crash(), 'SIGKILL');
      stop.now = true;
      await Promise.all(writers);
      kms.destroy();
      assert.ok(acked.length >= 30, `only ${acked.length} requests acknowledged before the kill`);

      // Before any restart: every acknowledged event is already on disk.
      let inTrail = await requestIdsInTrail(dataDir);
      assert.deepEqual(acked.filter((id) => !inTrail.has(id)), [], 'acknowledged requests missing from the trail');

      const second = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      assert.match(second.output(), /"message":"audit trail repaired at start-up","reason":"log file left open by an unclean shutdown"/);
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);

      inTrail = await requestIdsInTrail(dataDir);
      assert.deepEqual(acked.filter((id) => !inTrail.has(id)), []);
      const r = await trentCli(['audit', 'verify', '--data-dir', dataDir]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /recorded repair in digests\/.*: log file left open by an unclean shutdown/);
      assert.match(r.stdout, /OK: the trail is intact/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

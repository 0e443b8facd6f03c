/** Secrets (plaintexts, data keys, key material, secret access keys) never reach logs or rest in plaintext. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { spawnServer } from '../helpers/child-server.js';
import { TEST_ACCESS_KEY_ID, TEST_SECRET, rootEnv, startTestServer, tempDir } from '../helpers/trent.js';
import { jsonLogger } from '../../src/adapters/logger.js';

/** Every file under `dir`, the audit trail's subdirectories included, concatenated. */
function dataDirBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? dataDirBytes(join(dir, e.name)) : readFileSync(join(dir, e.name)))),
  );
}

describe('secrets', () => {
  it('key material and secret access keys are stored wrapped, never in plaintext', async () => {
    const server = await startTestServer();
    try {
      const kms = server.kms();
      const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const { material } = (await server.trent.deps.materials.get(md.AWSAccountId!, 'us-east-1', md.KeyId!, 1))!;
      const stored = dataDirBytes(server.dataDir);
      assert.equal(stored.includes(material), false, 'key material found in the data directory');
      assert.equal(stored.includes(Buffer.from(material.toString('base64'))), false);
      assert.equal(stored.includes(Buffer.from(material.toString('hex'))), false);
      assert.equal(stored.includes(Buffer.from(TEST_SECRET)), false, 'secret access key found in the data directory');
      assert.equal(statSync(join(server.dataDir, 'root.key')).mode & 0o777, 0o600);
    } finally {
      await server.close();
    }
  });

  it('logs of a busy server, including failures, hold no plaintext, data key or secret', async () => {
    const dataDir = tempDir();
    try {
      const child = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms = new KMSClient({
        endpoint: child.url,
        region: 'us-east-1',
        credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
        maxAttempts: 1,
      });
      const plaintext = Buffer.from('TOP-SECRET-PLAINTEXT-MARKER');
      const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const enc = await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: plaintext, EncryptionContext: { c: 'd' } }));
      await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { c: 'd' } }));
      await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })).catch(() => undefined);
      const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: md.KeyId, KeySpec: 'AES_256' }));
      const wrong = new KMSClient({ endpoint: child.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'wrong-secret-value-123' }, maxAttempts: 1 });
      await wrong.send(new CreateKeyCommand({})).catch(() => undefined);
      kms.destroy();
      wrong.destroy();
      child.child.kill('SIGTERM');
      await child.exited;
      const log = child.output();
      for (const secret of [
        plaintext.toString(),
        plaintext.toString('base64'),
        Buffer.from(dataKey.Plaintext!).toString('base64'),
        TEST_SECRET,
        'wrong-secret-value-123',
        readFileSync(join(dataDir, 'root.key'), 'utf8').trim(),
      ]) {
        assert.equal(log.includes(secret), false, `log contains a secret: ${secret.slice(0, 6)}...`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an internal error is logged with its request id and answered without details', async () => {
    const lines: string[] = [];
    const server = await startTestServer({ logger: jsonLogger((l) => lines.push(l)) });
    try {
      const kms = server.kms();
      const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const store = server.trent.deps.store;
      const original = store.getKey.bind(store);
      store.getKey = async () => {
        throw new Error('simulated store failure');
      };
      try {
        await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('sensitive-input') }));
        assert.fail('expected failure');
      } catch (e) {
        const x = e as { name: string; message: string; $metadata: { httpStatusCode: number; requestId?: string } };
        assert.equal(x.name, 'KMSInternalException');
        assert.equal(x.$metadata.httpStatusCode, 500);
        assert.doesNotMatch(x.message, /simulated/);
        const logged = lines.map((l) => JSON.parse(l)).find((l) => l.level === 'error');
        assert.ok(logged, 'internal error was not logged');
        assert.equal(logged.requestId, x.$metadata.requestId);
        assert.match(logged.error, /simulated store failure/);
        assert.equal(lines.join('').includes('sensitive-input'), false);
      } finally {
        store.getKey = original;
      }
    } finally {
      await server.close();
    }
  });
});

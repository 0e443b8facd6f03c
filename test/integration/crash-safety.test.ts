/**
 * Every change acknowledged to a client survives `kill -9` of the server in
 * the middle of a write-heavy load, and the store stays consistent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/adapters/store/sqlite/sqlite-driver.js';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  KMSClient,
  TagResourceCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { spawnServer } from '../helpers/child-server.js';
import { TEST_ACCESS_KEY_ID, TEST_SECRET, rootEnv, tempDir } from '../helpers/trent.js';

function client(url: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  });
}

interface Acknowledged {
  keys: string[];
  aliases: Map<string, string>;
  disabled: Set<string>;
  /** DisableKey sent but not acknowledged: it may or may not have committed. */
  maybeDisabled: Set<string>;
  tagged: Map<string, string>;
  ciphertexts: { blob: Uint8Array; plaintext: Buffer; context: Record<string, string> }[];
}

async function writer(kms: KMSClient, id: number, ack: Acknowledged, stop: { now: boolean }): Promise<void> {
  let n = 0;
  while (!stop.now) {
    try {
      const keyId = (await kms.send(new CreateKeyCommand({ Description: `w${id}-${n}` }))).KeyMetadata!.KeyId!;
      ack.keys.push(keyId);
      const alias = `alias/w${id}-${n}`;
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
      ack.aliases.set(alias, keyId);
      const plaintext = Buffer.from(`secret ${id}-${n}`);
      const context = { writer: String(id), n: String(n) };
      const enc = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: plaintext, EncryptionContext: context }));
      ack.ciphertexts.push({ blob: enc.CiphertextBlob!, plaintext, context });
      await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'n', TagValue: String(n) }] }));
      ack.tagged.set(keyId, String(n));
      if (n % 3 === 0) {
        ack.maybeDisabled.add(keyId);
        await kms.send(new DisableKeyCommand({ KeyId: keyId }));
        ack.disabled.add(keyId);
      }
      n++;
    } catch {
      return; // the server died mid-request: that request was never acknowledged
    }
  }
}

describe('crash safety', () => {
  it('acknowledged keys, aliases, tags, states and ciphertexts survive kill -9', async () => {
    const dataDir = tempDir();
    try {
      const first = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms = client(first.url);
      const ack: Acknowledged = { keys: [], aliases: new Map(), disabled: new Set(), maybeDisabled: new Set(), tagged: new Map(), ciphertexts: [] };
      const stop = { now: false };
      const writers = Array.from({ length: 6 }, (_, i) => writer(kms, i, ack, stop));
      await new Promise((r) => setTimeout(r, 1500));
      first.child.kill('SIGKILL');
      assert.equal(await first.exited, 'SIGKILL');
      stop.now = true;
      await Promise.all(writers);
      kms.destroy();
      assert.ok(ack.keys.length >= 10, `only ${ack.keys.length} keys were written before the kill`);

      const db = openSqlite(join(dataDir, 'trent.db'));
      assert.deepEqual(db.prepare('PRAGMA integrity_check').all(), [{ integrity_check: 'ok' }]);
      db.close();

      const second = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms2 = client(second.url);
      try {
        for (const keyId of ack.keys) {
          const md = (await kms2.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
          if (ack.disabled.has(keyId)) assert.equal(md.KeyState, 'Disabled', keyId);
          else if (ack.maybeDisabled.has(keyId)) assert.ok(md.KeyState === 'Disabled' || md.KeyState === 'Enabled', keyId);
          else assert.equal(md.KeyState, 'Enabled', keyId);
        }
        for (const [alias, keyId] of ack.aliases) {
          assert.equal((await kms2.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.KeyId, keyId);
        }
        for (const [keyId, n] of ack.tagged) {
          assert.deepEqual((await kms2.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags, [{ TagKey: 'n', TagValue: n }]);
        }
        let decrypted = 0;
        for (const c of ack.ciphertexts) {
          try {
            const dec = await kms2.send(new DecryptCommand({ CiphertextBlob: c.blob, EncryptionContext: c.context }));
            assert.deepEqual(Buffer.from(dec.Plaintext!), c.plaintext);
            decrypted++;
          } catch (e) {
            // a key disabled after the encrypt refuses to decrypt; everything else must decrypt
            assert.equal((e as Error).name, 'DisabledException');
          }
        }
        assert.ok(decrypted > 0);
      } finally {
        kms2.destroy();
        second.child.kill('SIGTERM');
        assert.equal(await second.exited, 0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

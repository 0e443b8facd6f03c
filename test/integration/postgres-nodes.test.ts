/**
 * Trent nodes on PostgreSQL: a server on a shared database serves the KMS
 * workflow, a second node sees the first node's changes, and a node without
 * the shared root key refuses to start rather than invent one.
 */
import { eventually } from '../helpers/eventually.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { startTestServer, tempDir, rootEnv } from '../helpers/trent.js';
import { createTestDatabase } from '../helpers/postgres.js';

describe('nodes on PostgreSQL', () => {
  it('two nodes share keys, aliases and state through one database', async () => {
    const db = await createTestDatabase();
    const rootKey = Buffer.alloc(32, 7).toString('base64');
    const env = { ...rootEnv(), TRENT_ROOT_KEY: rootKey };
    const a = await startTestServer({ store: db.url, env });
    const b = await startTestServer({ store: db.url, env });
    try {
      const kmsA = a.kms();
      const kmsB = b.kms();
      const key = (await kmsA.send(new CreateKeyCommand({ Description: 'shared' }))).KeyMetadata!;
      await kmsA.send(new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: key.KeyId }));
      const enc = await kmsA.send(new EncryptCommand({ KeyId: 'alias/shared', Plaintext: Buffer.from('across nodes'), EncryptionContext: { n: '1' } }));
      const dec = await kmsB.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { n: '1' } }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), 'across nodes');
      assert.equal((await kmsB.send(new DescribeKeyCommand({ KeyId: 'alias/shared' }))).KeyMetadata!.Description, 'shared');
      await kmsB.send(new DisableKeyCommand({ KeyId: key.KeyId }));
      // Node A may serve its cached record until the change feed reaches it: within 1 s.
      await eventually(() => assert.rejects(kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })), { name: 'DisabledException' }));
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('a node joining a store that holds data, without the root key, refuses to start', async () => {
    const db = await createTestDatabase();
    const first = await startTestServer({ store: db.url });
    const lonely = tempDir();
    try {
      await first.kms().send(new CreateKeyCommand({}));
      await assert.rejects(startTestServer({ store: db.url, dataDir: lonely }), /no root key: the store already holds data/);
    } finally {
      await first.close();
      rmSync(lonely, { recursive: true, force: true });
      await db.drop();
    }
  });
});

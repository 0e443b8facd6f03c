/**
 * Start-up on a store: the root key check value refuses a node given a
 * different root key (SQLite and PostgreSQL, new stores and stores written
 * before check values existed), and nodes started at the same moment on an
 * empty shared PostgreSQL database bootstrap it exactly once.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { openSqlite } from '../../src/adapters/store/sqlite/sqlite-driver.js';
import { openSqliteStores } from '../../src/adapters/store/sqlite/open-sqlite.js';
import { openPostgresStores } from '../../src/adapters/store/postgres/open-postgres.js';
import type { Stores } from '../../src/ports/stores.js';
import { rootEnv, startTestServer, tempDir, TEST_REGION } from '../helpers/trent.js';
import { createTestDatabase, dropAllTestDatabases } from '../helpers/postgres.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';

const WRONG_KEY = /the root key given to this node is not the one this store was created with/;
const key = () => randomBytes(32).toString('base64');

async function roundTrip(a: KMSClient, b: KMSClient = a): Promise<void> {
  const id = (await a.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const enc = await a.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('check') }));
  assert.equal(Buffer.from((await b.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString(), 'check');
}

describe('store settings', () => {
  after(() => dropAllTestDatabases());

  async function contract(stores: Stores): Promise<void> {
    try {
      assert.equal(await stores.settings.get('x'), undefined);
      assert.deepEqual(await stores.settings.putIfAbsent('x', Buffer.from([1, 2])), Buffer.from([1, 2]));
      assert.deepEqual(await stores.settings.putIfAbsent('x', Buffer.from([3])), Buffer.from([1, 2]), 'the first value stays');
      assert.deepEqual(await stores.settings.get('x'), Buffer.from([1, 2]));
      // The start-up lock gives turns: two sections never overlap.
      const order: string[] = [];
      const section = (name: string) => stores.exclusively(async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${name}-`);
      });
      await Promise.all([section('a'), section('b')]);
      assert.ok(order.join() === 'a+,a-,b+,b-' || order.join() === 'b+,b-,a+,a-', order.join());
      await assert.rejects(stores.exclusively(async () => { throw new Error('boom'); }), /boom/);
      assert.equal(await stores.exclusively(async () => 7), 7, 'a failed section releases the lock');
    } finally {
      await stores.close();
    }
  }

  it('SQLite and PostgreSQL keep the first value of a setting, and give turns on the start-up lock', async () => {
    const dir = tempDir();
    try {
      await contract(openSqliteStores(join(dir, 'trent.db')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const db = await createTestDatabase();
    await contract(await openPostgresStores(db.url));
    await db.drop();
  });
});

describe('root key check value', () => {
  after(() => dropAllTestDatabases());

  it('SQLite: a restart with another root key is refused; with the right one everything decrypts', async () => {
    const dataDir = tempDir();
    try {
      const first = await startTestServer({ dataDir });
      const id = (await first.kms().send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const enc = await first.kms().send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('kept') }));
      await first.close();

      await assert.rejects(startTestServer({ dataDir, env: { ...first.env, TRENT_ROOT_KEY: key() } }), WRONG_KEY);

      const again = await startTestServer({ dataDir });
      try {
        const dec = await again.kms().send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
        assert.equal(Buffer.from(dec.Plaintext!).toString(), 'kept');
      } finally {
        await again.close();
      }

      rmSync(join(dataDir, 'root.key'));
      await assert.rejects(startTestServer({ dataDir }), /no root key: the store already holds data/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('SQLite: a store written before check values is checked against a stored secret, then gets one', async () => {
    const dataDir = tempDir();
    try {
      const first = await startTestServer({ dataDir });
      await roundTrip(first.kms());
      await first.close();
      const db = openSqlite(join(dataDir, 'trent.db'));
      assert.equal(db.prepare("DELETE FROM trent_settings WHERE name = 'root-key-check'").run().changes, 1);
      db.close();

      await assert.rejects(startTestServer({ dataDir, env: { ...first.env, TRENT_ROOT_KEY: key() } }), WRONG_KEY);
      const again = await startTestServer({ dataDir });
      await roundTrip(again.kms());
      await again.close();
      const check = openSqlite(join(dataDir, 'trent.db'));
      assert.equal((check.prepare("SELECT count(*) AS n FROM trent_settings WHERE name = 'root-key-check'").get() as { n: number }).n, 1);
      check.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: a node given another root key than the store\'s refuses to start', async () => {
    const db = await createTestDatabase();
    const rootKey = key();
    const a = await startTestServer({ store: db.url, env: { ...rootEnv(), TRENT_ROOT_KEY: rootKey } });
    try {
      await roundTrip(a.kms());
      await assert.rejects(startTestServer({ store: db.url, env: { ...a.env, TRENT_ROOT_KEY: key() } }), WRONG_KEY);
      const b = await startTestServer({ store: db.url, env: a.env });
      try {
        await roundTrip(a.kms(), b.kms());
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
      await db.drop();
    }
  });
});

describe('nodes starting together on an empty PostgreSQL database', () => {
  after(() => dropAllTestDatabases());

  async function accounts(url: string): Promise<number> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return Number((await c.query('SELECT count(*) AS n FROM accounts')).rows[0].n);
    } finally {
      await c.end();
    }
  }

  async function stop(node: ChildServer | undefined): Promise<void> {
    if (!node) return;
    node.child.kill('SIGTERM');
    await node.exited;
  }

  it('bootstrap once: one account, one generated credential, both nodes serve it (several rounds)', async () => {
    for (let round = 0; round < 4; round++) {
      const db = await createTestDatabase();
      const dirs = [tempDir(), tempDir()];
      const env = { TRENT_STORE: db.url, TRENT_ROOT_KEY: key() };
      const results = await Promise.allSettled(dirs.map((d) => spawnServer(['--listen', '127.0.0.1:0', '--data-dir', d], env)));
      const nodes = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
      try {
        for (const r of results) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
        const created = nodes.map((n) => /Created account (\d{12}) with root access key (\S+)\.\nSecret access key \(shown once\): (\S+)/.exec(n!.output()));
        assert.equal(created.filter(Boolean).length, 1, `round ${round}: exactly one node bootstraps\n${nodes.map((n) => n!.output()).join('\n---\n')}`);
        assert.equal(await accounts(db.url), 1, `round ${round}`);
        const [, , accessKeyId, secretAccessKey] = created.find(Boolean)!;
        const clients = nodes.map((n) => new KMSClient({ endpoint: n!.url, region: TEST_REGION, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 }));
        try {
          await roundTrip(clients[0], clients[1]);
          await roundTrip(clients[1], clients[0]);
        } finally {
          for (const c of clients) c.destroy();
        }
      } finally {
        for (const n of nodes) await stop(n);
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
        await db.drop();
      }
    }
  });

  it('without a configured root key, exactly one node generates it and the other refuses to start', async () => {
    for (let round = 0; round < 2; round++) {
      const db = await createTestDatabase();
      const dirs = [tempDir(), tempDir()];
      const results = await Promise.allSettled(dirs.map((d) => spawnServer(['--listen', '127.0.0.1:0', '--data-dir', d], { TRENT_STORE: db.url })));
      try {
        const started = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(started.length, 1, `round ${round}: ${refused.map((r) => String(r.reason)).join('\n')}`);
        assert.match(String(refused[0].reason), /no root key: the store already holds data/);
        assert.equal(await accounts(db.url), 1);
      } finally {
        for (const r of results) if (r.status === 'fulfilled') await stop(r.value);
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
        await db.drop();
      }
    }
  });
});

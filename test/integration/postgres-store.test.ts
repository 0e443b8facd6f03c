/**
 * The store contracts (keys, identities) on PostgreSQL, plus what only a
 * shared server has: nodes starting at once, writers racing from different
 * pools, schema versions, the pool's bounds and shutdown, and byte-order
 * listings whatever the database collation. Needs the PostgreSQL on this
 * machine (see test/helpers/postgres.ts); fails, never skips, without it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStores } from '../../src/adapters/store/postgres/open-postgres.js';
import { PgDatabase } from '../../src/adapters/store/postgres/pg-database.js';
import { migratePostgres, PG_SCHEMA } from '../../src/adapters/store/postgres/pg-migrate.js';
import { describePostgresUrl } from '../../src/adapters/store/postgres/pg-url.js';
import { openSqliteStores } from '../../src/adapters/store/sqlite/open-sqlite.js';
import type { Stores } from '../../src/ports/stores.js';
import type { KeyRecord } from '../../src/domain/key-model.js';
import type { IamUser, ManagedPolicy } from '../../src/domain/iam/model.js';
import type { AccessKeyRecord } from '../../src/ports/identity-store.js';
import { storeContract } from '../helpers/store-contract.js';
import { identityStoreContract } from '../helpers/identity-store-contract.js';
import { changeLogContract } from '../helpers/change-log-contract.js';
import { connectionsTo, createTestDatabase, dropAllTestDatabases, MAINTENANCE_SERVER, withMaintenance, type TestDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/trent.js';

after(dropAllTestDatabases);

const A = '111122223333';

it(`PostgreSQL is reachable at ${MAINTENANCE_SERVER}`, async () => {
  await withMaintenance((c) => c.query('SELECT 1'));
});

let current: TestDatabase | undefined;
const open = async () => {
  current = await createTestDatabase();
  return openPostgresStores(current.url, { maxConnections: 4 });
};
const cleanup = async () => {
  await current?.drop();
  current = undefined;
};
storeContract('PostgreSQL', open, cleanup);
identityStoreContract('PostgreSQL', open, cleanup);
changeLogContract('PostgreSQL', open, cleanup);

/** Runs `fn` on a fresh database, dropped when it ends (any connection still open is ended). */
async function withDatabase(fn: (db: TestDatabase) => Promise<void>, sql = ''): Promise<void> {
  const db = await createTestDatabase(sql);
  try {
    await fn(db);
  } finally {
    await db.drop();
  }
}

async function closeAll(...stores: Stores[]): Promise<void> {
  await Promise.all(stores.map((s) => s.close()));
}

function keyRecord(keyId: string, o: Partial<KeyRecord> = {}): KeyRecord {
  return {
    accountId: A, region: 'us-east-1', keyId, createdAt: 1, description: 'd', keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS', state: 'Enabled', multiRegion: false, policy: '{}', tags: [], currentMaterialVersion: 1,
    currentMaterialId: 'a'.repeat(64), revision: 1, ...o,
  };
}

function material(k: KeyRecord, wrapped = Buffer.from([1, 2, 3])) {
  return { accountId: k.accountId, region: k.region, keyId: k.keyId, version: 1, materialId: 'b'.repeat(64), wrapped, createdAt: 1 };
}

function user(name: string, n: number): IamUser {
  return { accountId: A, userName: name, userId: `AIDA${String(n).padStart(17, 'X')}`, path: '/', arn: `arn:aws:iam::${A}:user/${name}`, createdAt: n, tags: [] };
}

function userKey(id: string, u: IamUser): AccessKeyRecord {
  return {
    accessKeyId: id, accountId: A, principalArn: u.arn, principalType: 'IAMUser', wrappedSecret: Buffer.from([1]), status: 'Active',
    createdAt: 1, userName: u.userName, userId: u.userId,
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PostgreSQL store', () => {
  it('describes itself as user@host:port/database, never with the password', async () => {
    await withDatabase(async (db) => {
      const url = new URL(db.url);
      url.password = 'hunter2'; // trust auth: the server never asks for it
      const stores = await openPostgresStores(url.toString(), { maxConnections: 2 });
      try {
        assert.equal(stores.description, `postgres://${url.username}@${url.hostname}:${url.port}/${db.name} (pg, pool of 2)`);
        assert.doesNotMatch(stores.description, /hunter2/);
      } finally {
        await stores.close();
      }
    });
    const env = { PGUSER: 'envuser', PGDATABASE: 'envdb' };
    assert.equal(describePostgresUrl('postgresql://u:secret@db.internal/trent?sslmode=require&password=x', env), 'postgres://u@db.internal:5432/trent');
    assert.equal(describePostgresUrl('postgres://', env), 'postgres://envuser@localhost:5432/envdb');
    assert.equal(describePostgresUrl('postgres:///trent?host=/var/run/postgresql', env), 'postgres://envuser@/var/run/postgresql:5432/trent');
    assert.throws(() => describePostgresUrl('mysql://u:secret@h/db'), (e: Error) => !e.message.includes('secret'));
  });

  it('nodes starting at once on an empty database all succeed, and the schema is migrated exactly once', async () => {
    await withDatabase(async (db) => {
      const all = await Promise.all([1, 2, 3, 4].map(() => openPostgresStores(db.url, { maxConnections: 2 })));
      try {
        const versions = await withDatabaseClient(db, async (c) => (await c.query('SELECT component, version FROM trent_schema ORDER BY component')).rows);
        const expected = PG_SCHEMA.map((c) => ({ component: c.component, version: c.steps.length }));
        assert.deepEqual(versions, expected.sort((x, y) => (x.component < y.component ? -1 : 1)));
        const k = keyRecord('00000000-0000-4000-8000-000000000001');
        await all[0].keys.createKey(k, material(k));
        assert.deepEqual(await all[3].keys.getKey(A, 'us-east-1', k.keyId), k);
      } finally {
        await closeAll(...all);
      }
    });
    await withDatabase(async (db) => {
      const pools = [new PgDatabase(db.url), new PgDatabase(db.url), new PgDatabase(db.url)];
      try {
        const applied = await Promise.all(pools.map((p) => migratePostgres(p.pool)));
        for (const { component, steps } of PG_SCHEMA) {
          assert.deepEqual(applied.map((a) => a[component]).sort(), [0, 0, steps.length], component);
        }
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    });
  });

  it('a node that finds a newer schema than it knows refuses to start, saying so, and leaves no connection open', async () => {
    await withDatabase(async (db) => {
      await (await openPostgresStores(db.url)).close();
      await withDatabaseClient(db, (c) => c.query("UPDATE trent_schema SET version = version + 1 WHERE component = 'identity'"));
      const known = PG_SCHEMA.find((c) => c.component === 'identity')!.steps.length;
      await assert.rejects(openPostgresStores(db.url), (e: Error) => {
        assert.match(e.message, new RegExp(`identity schema is at version ${known + 1}, newer than this Trent knows \\(${known}\\)`));
        assert.match(e.message, /upgrade this one/);
        return true;
      });
      await waitFor('the refused node has disconnected', async () => (await connectionsTo(db.name)) === 0);
    });
  });

  it('steps appended to a component are applied on top of the earlier ones, keeping data; a failing step changes nothing', async () => {
    await withDatabase(async (db) => {
      const p = new PgDatabase(db.url);
      try {
        const steps = ['CREATE TABLE probe (v INTEGER NOT NULL)', 'ALTER TABLE probe ADD COLUMN w INTEGER NOT NULL DEFAULT 7'];
        assert.deepEqual(await migratePostgres(p.pool, [{ component: 'probe', steps: steps.slice(0, 1) }]), { probe: 1 });
        await p.pool.query('INSERT INTO probe (v) VALUES (1)');
        assert.deepEqual(await migratePostgres(p.pool, [{ component: 'probe', steps }]), { probe: 1 });
        assert.deepEqual(await migratePostgres(p.pool, [{ component: 'probe', steps }]), { probe: 0 });
        assert.deepEqual((await p.pool.query('SELECT v, w FROM probe')).rows, [{ v: 1, w: 7 }]);
        await assert.rejects(migratePostgres(p.pool, [{ component: 'probe', steps: [...steps, 'CREATE TABLE probe2 (x INTEGER)', 'NOT SQL'] }]));
        assert.deepEqual((await p.pool.query("SELECT version FROM trent_schema WHERE component = 'probe'")).rows, [{ version: 2 }]);
        assert.equal((await p.pool.query("SELECT to_regclass('probe2') AS t")).rows[0].t, null);
      } finally {
        await p.close();
      }
    });
  });

  it('updateKey: when two pools race on one revision, exactly one wins and its record is stored', async () => {
    await withDatabase(async (db) => {
      const [a, b] = await Promise.all([openPostgresStores(db.url), openPostgresStores(db.url)]);
      try {
        const k = keyRecord('00000000-0000-4000-8000-000000000002');
        await a.keys.createKey(k, material(k));
        let current = k;
        for (let round = 0; round < 25; round++) {
          const next = current.revision + 1;
          const fromA = { ...current, description: `a${round}`, revision: next };
          const fromB = { ...current, description: `b${round}`, revision: next };
          const [wonA, wonB] = await Promise.all([a.keys.updateKey(fromA), b.keys.updateKey(fromB)]);
          assert.equal(Number(wonA) + Number(wonB), 1, `round ${round}: exactly one writer wins`);
          current = wonA ? fromA : fromB;
          assert.deepEqual(await b.keys.getKey(A, 'us-east-1', k.keyId), current);
        }
      } finally {
        await closeAll(a, b);
      }
    });
  });

  it('check-then-write transactions serialise across pools: key and attachment limits hold, no key outlives its user', async () => {
    await withDatabase(async (db) => {
      const [a, b] = await Promise.all([openPostgresStores(db.url), openPostgresStores(db.url)]);
      const pick = (i: number) => (i % 2 ? a : b).identity;
      try {
        await a.identity.ensureAccount(A, 1);
        const alice = user('alice', 1);
        await a.identity.createUser(alice);
        const created = await Promise.all(Array.from({ length: 10 }, (_, i) => pick(i).createAccessKey(userKey(`AKIAALICE${String(i).padStart(11, '0')}`, alice), 2)));
        assert.equal(created.filter(Boolean).length, 2);
        assert.equal((await a.identity.listAccessKeys(A, { type: 'IAMUser', userId: alice.userId })).length, 2);

        const policies: ManagedPolicy[] = Array.from({ length: 6 }, (_, i) => ({
          accountId: A, policyName: `p${i}`, policyId: `ANPA${String(i).padStart(17, 'X')}`, path: '/', arn: `arn:aws:iam::${A}:policy/p${i}`,
          defaultVersionId: 'v1', attachmentCount: 0, createdAt: 1, updatedAt: 1, tags: [],
        }));
        for (const p of policies) await a.identity.createManagedPolicy(p, { versionId: 'v1', document: '{}', isDefaultVersion: true, createdAt: 1 });
        const outcomes = await Promise.all(policies.map((p, i) => pick(i).attachPolicy(A, alice.userId, p.policyId, 3, 1)));
        assert.deepEqual([...outcomes].sort(), ['attached', 'attached', 'attached', 'limitExceeded', 'limitExceeded', 'limitExceeded']);
        assert.equal((await b.identity.listAttachedPolicies(A, alice.userId)).length, 3);

        for (let round = 0; round < 10; round++) {
          const bob = user(`bob${round}`, 100 + round);
          await a.identity.createUser(bob);
          const [deleted, keyCreated] = await Promise.all([
            a.identity.deleteUser(A, bob.userName),
            b.identity.createAccessKey(userKey(`AKIABOB${String(round).padStart(13, '0')}`, bob), 2),
          ]);
          const keys = await a.identity.listAccessKeys(A, { type: 'IAMUser', userId: bob.userId });
          if (deleted === 'deleted') assert.deepEqual([keyCreated, keys.length], [false, 0], `round ${round}`);
          else assert.deepEqual([deleted, keyCreated, keys.length], ['hasAccessKeys', true, 1], `round ${round}`);
        }
      } finally {
        await closeAll(a, b);
      }
    });
  });

  it('the pool never opens more connections than its bound, and closes cleanly', async () => {
    await withDatabase(async (db) => {
      const stores = await openPostgresStores(db.url, { maxConnections: 3 });
      const k = keyRecord('00000000-0000-4000-8000-000000000003');
      await stores.keys.createKey(k, material(k));
      const got = await Promise.all(Array.from({ length: 60 }, () => stores.keys.getKey(A, 'us-east-1', k.keyId)));
      assert.ok(got.every((g) => g?.keyId === k.keyId));
      const open = await connectionsTo(db.name);
      assert.ok(open >= 1 && open <= 3, `${open} connections open`);
      await stores.close();
      await stores.close();
      await assert.rejects(stores.keys.getKey(A, 'us-east-1', k.keyId));
      await waitFor('every connection is closed', async () => (await connectionsTo(db.name)) === 0);
    });
  });

  it('an unreachable server fails the start at once, naming the server but not the password', async () => {
    await assert.rejects(openPostgresStores('postgres://trent:hunter2@127.0.0.1:1/nowhere', { connectTimeoutMillis: 2_000 }), (e: Error) => {
      assert.match(e.message, /^cannot open the PostgreSQL store at postgres:\/\/trent@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
  });

  it('refuses to start when commits would not be durable (synchronous_commit off)', async () => {
    await withDatabase(async (db) => {
      const url = `${db.url}?options=${encodeURIComponent('-c synchronous_commit=off')}`;
      await assert.rejects(openPostgresStores(url), /synchronous_commit is off/);
      await waitFor('the refused node has disconnected', async () => (await connectionsTo(db.name)) === 0);
    });
  });

  it('records and secrets round-trip exactly: NUL and astral characters, every byte value', async () => {
    await withDatabase(async (db) => {
      const stores = await openPostgresStores(db.url);
      try {
        const k = keyRecord('00000000-0000-4000-8000-000000000004', { description: 'nul \u0000 here, emoji 🔑, quote " and \\', tags: [{ TagKey: 'k\u0000', TagValue: '\u2028' }] });
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await stores.keys.createKey(k, material(k, bytes));
        assert.deepEqual(await stores.keys.getKey(A, 'us-east-1', k.keyId), k);
        assert.deepEqual((await stores.keys.getMaterial(A, 'us-east-1', k.keyId, 1))!.wrapped, bytes);
      } finally {
        await stores.close();
      }
    });
  });

  it('listings sort and page by bytes, exactly as on SQLite, even in a database whose collation sorts otherwise', async () => {
    const icu = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'";
    await withDatabase(async (db) => {
      const dir = tempDir();
      const pgStores = await openPostgresStores(db.url);
      const sqlite = openSqliteStores(join(dir, 'trent.db'));
      try {
        // The database's own collation really does disagree with byte order here.
        const dbOrder = await withDatabaseClient(db, async (c) =>
          (await c.query("SELECT x FROM unnest(ARRAY['a_c', 'ab', 'a-d', 'B', 'a']) AS x ORDER BY x")).rows.map((r) => r.x as string),
        );
        assert.notDeepEqual(dbOrder, ['B', 'a', 'a-d', 'a_c', 'ab']);

        const names = ['a_c', 'ab', 'a-d', 'B', 'a', 'Zz', 'z-'];
        const listings: string[][] = [];
        for (const s of [pgStores, sqlite]) {
          await s.identity.ensureAccount(A, 1);
          for (const [i, name] of names.entries()) {
            await s.keys.createAlias({ accountId: A, region: 'us-east-1', aliasName: `alias/${name}`, targetKeyId: 'k', createdAt: 1, updatedAt: 1 });
            await s.identity.createUser(user(name, i + 1));
          }
          const aliases: string[] = [];
          let after: string | undefined;
          do {
            const page = await s.keys.listAliases(A, 'us-east-1', undefined, after, 2);
            aliases.push(...page.items.map((x) => x.aliasName));
            after = page.next;
          } while (after);
          const users: string[] = [];
          let next: string | undefined;
          do {
            const page = await s.identity.listUsers(A, { limit: 2, after: next });
            users.push(...page.items.map((u) => u.userName));
            next = page.next;
          } while (next);
          listings.push([...aliases, ...users]);
        }
        const byBytes = (key: (x: string) => string) => (x: string, y: string) => Buffer.compare(Buffer.from(key(x)), Buffer.from(key(y)));
        assert.deepEqual(listings[0], listings[1]);
        assert.deepEqual(listings[0], [
          ...names.map((n) => `alias/${n}`).sort(byBytes((x) => x)),
          ...[...names].sort(byBytes((x) => x.toLowerCase())), // users page by their lower-cased name
        ]);
      } finally {
        await pgStores.close();
        await sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, icu);
  });
});

async function withDatabaseClient<T>(db: TestDatabase, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

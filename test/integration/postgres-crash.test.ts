/**
 * Two nodes on one PostgreSQL database under a write-heavy load through
 * both: `kill -9` of one node mid-load leaves the other serving throughout,
 * the killed node restarts, and every acknowledged key, alias, grant, tag,
 * state and ciphertext is there through both nodes, with a consistent store.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { rootEnv, tempDir } from '../helpers/trent.js';
import { createTestDatabase, dropAllTestDatabases } from '../helpers/postgres.js';
import { crashClient, newAcknowledged, verifyAcknowledged, writer } from '../helpers/write-load.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows that break the store's invariants: keys without material, aliases and grants naming no key. */
async function orphans(url: string): Promise<{ keysWithoutMaterial: number; danglingAliases: number; danglingGrants: number; keys: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async (sql: string) => Number((await c.query(sql)).rows[0].n);
    return {
      keys: await one('SELECT count(*) AS n FROM keys'),
      keysWithoutMaterial: await one(
        'SELECT count(*) AS n FROM keys k WHERE NOT EXISTS (SELECT 1 FROM key_materials m WHERE m.account_id = k.account_id AND m.region = k.region AND m.key_id = k.key_id)',
      ),
      danglingAliases: await one(
        'SELECT count(*) AS n FROM aliases a WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.account_id = a.account_id AND k.region = a.region AND k.key_id = a.target_key_id)',
      ),
      danglingGrants: await one(
        'SELECT count(*) AS n FROM grants g WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.account_id = g.account_id AND k.region = g.region AND k.key_id = g.key_id)',
      ),
    };
  } finally {
    await c.end();
  }
}

describe('crash safety on PostgreSQL with two nodes', () => {
  after(() => dropAllTestDatabases());

  it('kill -9 of one node mid-load: the other keeps serving; after a restart everything acknowledged is intact on both', async () => {
    const db = await createTestDatabase();
    const env = { ...rootEnv(), TRENT_STORE: db.url, TRENT_ROOT_KEY: randomBytes(32).toString('base64') };
    const dirs = [tempDir(), tempDir()];
    const nodes: ChildServer[] = [];
    try {
      nodes.push(await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dirs[0]], env));
      nodes.push(await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dirs[1]], env));
      const [victim, survivor] = nodes;
      const kmsVictim = crashClient(victim.url);
      const kmsSurvivor = crashClient(survivor.url);
      const ack = newAcknowledged();
      const stopVictim = { now: false };
      const stopSurvivor = { now: false };
      let survivorAcks = 0;
      let survivorWritersDone = 0;
      const victimWriters = Array.from({ length: 3 }, (_, i) => writer(kmsVictim, `v${i}`, ack, stopVictim, { grants: true }));
      const survivorWriters = Array.from({ length: 3 }, (_, i) =>
        writer(kmsSurvivor, `s${i}`, ack, stopSurvivor, { grants: true, onAck: () => survivorAcks++ }).finally(() => survivorWritersDone++),
      );

      await sleep(1500);
      const victimKeysBefore = ack.keys.length;
      assert.equal(await victim.crash(), 'SIGKILL');
      stopVictim.now = true;
      await Promise.all(victimWriters);
      kmsVictim.destroy();

      // The survivor keeps serving while its peer is down.
      const atKill = survivorAcks;
      await sleep(1000);
      assert.ok(survivorAcks - atKill >= 10, `only ${survivorAcks - atKill} requests succeeded on the surviving node after the kill`);
      assert.equal(survivorWritersDone, 0, 'a writer on the surviving node saw a failure');

      // The killed node restarts on the same store and serves too, while the load continues.
      const restarted = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dirs[0]], env);
      nodes[0] = restarted;
      const kmsRestarted = crashClient(restarted.url);
      const afterRestart = survivorAcks;
      const stopLate = { now: false };
      const lateWriter = writer(kmsRestarted, 'r0', ack, stopLate, { grants: true });
      await sleep(800);
      stopSurvivor.now = true;
      stopLate.now = true;
      await Promise.all([...survivorWriters, lateWriter]);
      assert.equal(survivorWritersDone, 3);
      assert.ok(survivorAcks > afterRestart, 'the surviving node kept serving after the restart');
      assert.ok(victimKeysBefore >= 5, `only ${victimKeysBefore} keys were written before the kill`);
      assert.ok(ack.grants.size >= 10, `only ${ack.grants.size} grants acknowledged`);
      assert.ok(ack.rotated.size >= 10, `only ${ack.rotated.size} on-demand rotations acknowledged`);

      try {
        assert.ok((await verifyAcknowledged(kmsRestarted, ack)) > 0);
        assert.ok((await verifyAcknowledged(kmsSurvivor, ack)) > 0);
      } finally {
        kmsRestarted.destroy();
        kmsSurvivor.destroy();
      }
      const o = await orphans(db.url);
      assert.ok(o.keys >= ack.keys.length);
      assert.deepEqual({ ...o, keys: 0 }, { keys: 0, keysWithoutMaterial: 0, danglingAliases: 0, danglingGrants: 0 });
    } finally {
      for (const n of nodes) {
        n.child.kill('SIGTERM');
        await n.exited;
      }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await db.drop();
    }
  });
});

/**
 * Every change acknowledged to a client survives `kill -9` of the server in
 * the middle of a write-heavy load, and the store stays consistent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/adapters/store/sqlite/sqlite-driver.js';
import { spawnServer } from '../helpers/child-server.js';
import { rootEnv, tempDir } from '../helpers/trent.js';
import { crashClient, newAcknowledged, verifyAcknowledged, writer } from '../helpers/write-load.js';

describe('crash safety', () => {
  it('acknowledged keys, aliases, tags, grants, states and ciphertexts survive kill -9', async () => {
    const dataDir = tempDir();
    try {
      const first = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms = crashClient(first.url);
      const ack = newAcknowledged();
      const stop = { now: false };
      const writers = Array.from({ length: 6 }, (_, i) => writer(kms, `w${i}`, ack, stop, { grants: true }));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await first.crash(), 'SIGKILL');
      stop.now = true;
      await Promise.all(writers);
      kms.destroy();
      assert.ok(ack.keys.length >= 10, `only ${ack.keys.length} keys were written before the kill`);
      assert.ok(ack.rotated.size >= 5, `only ${ack.rotated.size} on-demand rotations were acknowledged before the kill`);

      const db = openSqlite(join(dataDir, 'trent.db'));
      assert.deepEqual(db.prepare('PRAGMA integrity_check').all(), [{ integrity_check: 'ok' }]);
      db.close();

      const second = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dataDir], rootEnv());
      const kms2 = crashClient(second.url);
      try {
        assert.ok((await verifyAcknowledged(kms2, ack)) > 0);
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

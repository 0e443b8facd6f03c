import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFileOps } from '../../../src/adapters/audit/file-ops.js';
import { ScratchDir } from './helpers.js';

/** The open flags of one of this process's descriptors, from /proc (Linux). */
function openFlags(fd: number): number {
  const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  return parseInt(/^flags:\s+([0-7]+)$/m.exec(info)![1], 8);
}

describe('node file operations: durable log files', () => {
  let scratch: ScratchDir;
  beforeEach(() => (scratch = new ScratchDir()));
  afterEach(() => scratch.dispose());

  it('createDurable creates a new file and refuses one that exists', async () => {
    const path = join(scratch.dir, 'log');
    const fd = await nodeFileOps.createDurable(path, 0o640);
    await nodeFileOps.close(fd);
    await assert.rejects(nodeFileOps.createDurable(path, 0o640), { code: 'EEXIST' });
  });

  it('writeDurable writes each batch at its position', async () => {
    const path = join(scratch.dir, 'log');
    const fd = await nodeFileOps.createDurable(path, 0o640);
    await nodeFileOps.writeDurable(fd, Buffer.from('{"a":1}\n'), 0);
    await nodeFileOps.writeDurable(fd, Buffer.from('{"b":2}\n{"c":3}\n'), 8);
    await nodeFileOps.close(fd);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"b":2}\n{"c":3}\n');
  });

  it('writeDurableBlocking writes at its position on the calling thread, and only to files from createDurable', { skip: constants.O_DSYNC === undefined && 'no O_DSYNC on this platform' }, async () => {
    const path = join(scratch.dir, 'log');
    const fd = await nodeFileOps.createDurable(path, 0o640);
    await nodeFileOps.writeDurable(fd, Buffer.alloc(16), 0); // space ahead, overwritten in place
    nodeFileOps.writeDurableBlocking!(fd, Buffer.from('{"a":1}\n'), 0);
    nodeFileOps.writeDurableBlocking!(fd, Buffer.from('{"b":2}\n'), 8);
    await nodeFileOps.close(fd);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"b":2}\n');

    const plain = await nodeFileOps.open(join(scratch.dir, 'other'), 'w', 0o640);
    try {
      assert.throws(() => nodeFileOps.writeDurableBlocking!(plain, Buffer.from('x'), 0), /createDurable/);
    } finally {
      await nodeFileOps.close(plain);
    }
  });

  it('opens the file with O_DSYNC on Linux, so a write is durable when it returns', { skip: process.platform !== 'linux' && 'O_DSYNC is checked through /proc on Linux' }, async () => {
    const fd = await nodeFileOps.createDurable(join(scratch.dir, 'log'), 0o640);
    try {
      assert.equal(openFlags(fd) & constants.O_DSYNC, constants.O_DSYNC);
    } finally {
      await nodeFileOps.close(fd);
    }
  });
});

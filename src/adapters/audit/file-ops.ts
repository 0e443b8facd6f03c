/**
 * The file operations the audit sink performs, behind a seam so tests can
 * count syncs and make the disk fail. `nodeFileOps` is the real thing.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

export interface FileOps {
  open(path: string, flags: string, mode?: number): Promise<number>;
  /**
   * Creates a new file (failing if it exists) for `writeDurable`: where the
   * platform has O_DSYNC its writes are durable when they return, so a group
   * commit costs one trip to the thread pool instead of a write and a sync.
   */
  createDurable(path: string, mode: number): Promise<number>;
  /** Writes all of `data` at `position`. */
  write(fd: number, data: Buffer, position: number): Promise<void>;
  /** Writes all of `data` at `position` of a file from `createDurable`; resolves once data and size are on stable storage. */
  writeDurable(fd: number, data: Buffer, position: number): Promise<void>;
  /**
   * writeDurable on the calling thread: returns once the data is on stable
   * storage, and the event loop waits meanwhile. Absent where the platform
   * has no O_DSYNC (a write and a sync from the loop would cost two waits).
   */
  writeDurableBlocking?(fd: number, data: Buffer, position: number): void;
  /** fdatasync: the file's data (and its size) reach stable storage. */
  datasync(fd: number): Promise<void>;
  truncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  /** Creates a directory and its parents, and makes the new entries durable. */
  mkdirp(path: string): Promise<void>;
  /** fsync of a directory, so created or renamed entries in it survive a crash. */
  syncDir(path: string): Promise<void>;
  /** Replaces a file atomically and durably: temporary file, fsync, rename, directory fsync. */
  writeFileAtomic(path: string, data: Buffer | string, mode?: number): Promise<void>;
}

const openP = promisify(fs.open);
function writeP(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => fs.write(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))));
}
const fdatasyncP = promisify(fs.fdatasync);
const fsyncP = promisify(fs.fsync);
const ftruncateP = promisify(fs.ftruncate);
const closeP = promisify(fs.close);

async function syncDir(path: string): Promise<void> {
  let fd: number;
  try {
    fd = await openP(path, 'r');
  } catch {
    return; // platforms that cannot open directories (Windows)
  }
  try {
    await fsyncP(fd).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EINVAL' && e.code !== 'EISDIR' && e.code !== 'EPERM') throw e;
    });
  } finally {
    await closeP(fd);
  }
}

/** O_DSYNC where the platform has it (not Windows): each write is durable when it returns. */
const O_DSYNC = fs.constants.O_DSYNC as number | undefined;
/** Descriptors from createDurable opened with O_DSYNC (removed on close: numbers are reused). */
const dsyncFds = new Set<number>();

async function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const n = await writeP(fd, data, done, data.length - done, position + done);
    if (n <= 0) throw new Error('short write');
    done += n;
  }
}

/** Every createDurable file has O_DSYNC where this is used, so the write alone is durable. */
function writeDurableBlocking(fd: number, data: Buffer, position: number): void {
  if (!dsyncFds.has(fd)) throw new Error('writeDurableBlocking needs a file from createDurable');
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, position + done);
    if (n <= 0) throw new Error('short write');
    done += n;
  }
}

export const nodeFileOps: FileOps = {
  open: (path, flags, mode) => openP(path, flags, mode),
  async createDurable(path, mode) {
    const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
    const fd = await openP(path, O_WRONLY | O_CREAT | O_EXCL | (O_DSYNC ?? 0), mode);
    if (O_DSYNC !== undefined) dsyncFds.add(fd);
    return fd;
  },
  write: writeAll,
  async writeDurable(fd, data, position) {
    await writeAll(fd, data, position);
    if (!dsyncFds.has(fd)) await fdatasyncP(fd);
  },
  ...(O_DSYNC === undefined ? {} : { writeDurableBlocking }),
  datasync: (fd) => fdatasyncP(fd),
  truncate: (fd, length) => ftruncateP(fd, length),
  close: (fd) => {
    dsyncFds.delete(fd);
    return closeP(fd);
  },
  async mkdirp(path) {
    const first = await fs.promises.mkdir(path, { recursive: true });
    if (first === undefined) return;
    // Sync every directory from the parent of the first one created down to `path`.
    let dir = path;
    const toSync: string[] = [];
    while (dir.length >= first.length) {
      toSync.push(dir);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    toSync.push(dirname(first));
    for (const d of toSync) await syncDir(d);
  },
  syncDir,
  async writeFileAtomic(path, data, mode = 0o644) {
    const tmp = `${path}.tmp-${process.pid}`;
    const fd = await openP(tmp, 'w', mode);
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      await nodeFileOps.write(fd, buf, 0);
      await fsyncP(fd);
    } finally {
      await closeP(fd);
    }
    await fs.promises.rename(tmp, path);
    await syncDir(dirname(path));
  },
};

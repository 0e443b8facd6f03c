/**
 * Reading a trail's files: listing logs and digests by sequence number,
 * HEAD.json, and sealing a log file left open by a crash. Shared by the
 * sink, the verifier and the query.
 */
import { readdir, readFile } from 'node:fs/promises';
import { HASH_ALGORITHM, parseHead, sha256Hex, type DigestLogFile, type Head } from './digest.js';
import type { FileOps } from './file-ops.js';
import { resolveIn } from './layout.js';

/** HEAD.json: { head, signature }. */
export function parseSignedHead(bytes: Buffer): { head: Head; signature: string } | undefined {
  let outer: { head?: unknown; signature?: unknown };
  try {
    outer = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!outer || typeof outer !== 'object' || typeof outer.signature !== 'string') return undefined;
  const head = parseHead(Buffer.from(JSON.stringify(outer.head ?? null)));
  return head ? { head, signature: outer.signature } : undefined;
}

/** Every file under trailDir/sub (recursively) whose name `seqOf` recognises, trail-relative. */
export async function listFiles(
  trailDir: string,
  sub: string,
  seqOf: (path: string) => number | undefined,
): Promise<{ file: string; seq: number }[]> {
  const out: { file: string; seq: number }[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(resolveIn(trailDir, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const seq = seqOf(child);
        if (seq !== undefined) out.push({ file: child, seq });
      }
    }
  };
  await walk(sub);
  return out;
}

/**
 * Cuts off the zeros written ahead of the events (file-sink.ts) and a torn
 * last line of a log file left open by a crash (never acknowledged: it was
 * not synced), and describes the file for a digest. `truncated` counts the
 * torn line's bytes, not the zeros.
 */
export async function sealLogFile(trailDir: string, ops: FileOps, file: string): Promise<{ entry: DigestLogFile; truncated: number }> {
  const path = resolveIn(trailDir, file);
  const data = await readFile(path);
  const eventsEnd = endOfEvents(data);
  const end = eventsEnd === 0 ? 0 : data.lastIndexOf(0x0a, eventsEnd - 1) + 1;
  const truncated = eventsEnd - end;
  if (end < data.length) {
    const fd = await ops.open(path, 'r+');
    try {
      await ops.truncate(fd, end);
      await ops.datasync(fd);
    } finally {
      await ops.close(fd);
    }
  }
  const kept = data.subarray(0, end);
  let events = 0;
  let oldest: { ms: number; text: string } | undefined;
  let newest: { ms: number; text: string } | undefined;
  for (const line of kept.toString('utf8').split('\n')) {
    if (line === '') continue;
    events++;
    try {
      const t = (JSON.parse(line) as { eventTime?: unknown }).eventTime;
      const ms = typeof t === 'string' ? Date.parse(t) : NaN;
      if (typeof t === 'string' && Number.isFinite(ms)) {
        if (!oldest || ms < oldest.ms) oldest = { ms, text: t };
        if (!newest || ms >= newest.ms) newest = { ms, text: t };
      }
    } catch {
      // Counted as an event all the same: the digest seals the bytes as found.
    }
  }
  return {
    truncated,
    entry: {
      file,
      hashValue: sha256Hex(kept),
      hashAlgorithm: HASH_ALGORITHM,
      byteCount: kept.length,
      eventCount: events,
      oldestEventTime: oldest?.text ?? null,
      newestEventTime: newest?.text ?? null,
    },
  };
}

/**
 * Where the events of a log file's bytes end: at the first zero byte (the
 * space written ahead of them; events never contain one), else at the end.
 */
export function endOfEvents(data: Buffer): number {
  const zero = data.indexOf(0);
  return zero === -1 ? data.length : zero;
}

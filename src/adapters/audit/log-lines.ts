/** Reading a JSON Lines log file from its end: the newest events first, without reading the whole file. */
import { open } from 'node:fs/promises';
import { endOfEvents } from './trail-files.js';

/** How much of a log file is read at a time. */
export const CHUNK = 64 * 1024;

/**
 * The complete lines of a file before byte offset `end` (default: its size),
 * last first, each with its offsets (`end` just after its newline). A torn
 * last line (one being written) is left out; a missing file has no lines.
 */
export async function* linesBackward(path: string, end?: number): AsyncGenerator<{ text: string; start: number; end: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const size = (await fh.stat()).size;
    let limit = Math.min(end ?? size, size);
    let buf = Buffer.alloc(0);
    let bufStart = limit;
    const readBefore = async (): Promise<boolean> => {
      if (bufStart === 0) return false;
      const from = Math.max(0, bufStart - CHUNK);
      const chunk = Buffer.alloc(bufStart - from);
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, from);
      buf = Buffer.concat([chunk.subarray(0, bytesRead), buf]);
      bufStart = from;
      return true;
    };
    // A file being written ends in zeros written ahead of its events (file-sink.ts): chunks of them are
    // dropped as read, not gathered as a torn line, and the events end at the first zero (endOfEvents).
    for (;;) {
      if (!(await readBefore())) return;
      const eventsEnd = endOfEvents(buf);
      if (eventsEnd > 0) {
        buf = buf.subarray(0, eventsEnd);
        break;
      }
      buf = Buffer.alloc(0);
    }
    // Drop a torn (incomplete) last line: one being written right now.
    while (buf.length === 0 || buf[buf.length - 1] !== 0x0a) {
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0) {
        buf = buf.subarray(0, nl + 1);
        limit = bufStart + nl + 1;
        break;
      }
      if (!(await readBefore())) return;
    }
    for (;;) {
      const prev = buf.length >= 2 ? buf.lastIndexOf(0x0a, buf.length - 2) : -1;
      if (prev >= 0) {
        const text = buf.subarray(prev + 1, buf.length - 1).toString('utf8');
        const start = bufStart + prev + 1;
        const lineEnd = bufStart + buf.length;
        buf = buf.subarray(0, prev + 1);
        if (text !== '') yield { text, start, end: lineEnd };
        continue;
      }
      if (await readBefore()) continue;
      if (buf.length > 1) yield { text: buf.subarray(0, buf.length - 1).toString('utf8'), start: 0, end: buf.length };
      return;
    }
  } finally {
    await fh.close();
  }
}

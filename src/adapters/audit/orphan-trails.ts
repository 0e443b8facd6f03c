/**
 * Trails no running process writes: those of worker numbers above the
 * current worker count (the server was restarted with fewer workers, say on
 * a smaller machine). A crash may have left one with a log file open (or
 * without a readable HEAD); such a trail is opened once, which repairs it as
 * a restart of its writer would (the open file sealed, a torn line cut, the
 * repair recorded in a digest), and closed, so every trail of the data
 * directory verifies. Trails closed cleanly are left as they are.
 */
import { readFile } from 'node:fs/promises';
import type { RootKeyProvider } from '../../ports/root-key.js';
import type { Clock } from '../../ports/clock.js';
import type { DigestRecovery } from './digest.js';
import { FileAuditSink } from './file-sink.js';
import { HEAD_FILE, resolveIn, trailDirsIn, writerOfTrailDir } from './layout.js';
import { parseSignedHead } from './trail-files.js';

/** Seals the trails of writers above `writers`; returns what each repair found. */
export async function sealOrphanTrails(
  dataDir: string,
  writers: number,
  rootKey: RootKeyProvider,
  clock: Clock,
): Promise<{ trailDir: string; recoveries: DigestRecovery[] }[]> {
  const sealed: { trailDir: string; recoveries: DigestRecovery[] }[] = [];
  for (const trailDir of await trailDirsIn(dataDir)) {
    if (writerOfTrailDir(trailDir) <= writers || (await closedCleanly(trailDir))) continue;
    const sink = await FileAuditSink.open({ trailDir, rootKey, clock, timers: false });
    await sink.close();
    sealed.push({ trailDir, recoveries: sink.report.recoveries });
  }
  return sealed;
}

/** Whether the trail's HEAD is readable and names no log file being written. */
async function closedCleanly(trailDir: string): Promise<boolean> {
  try {
    return parseSignedHead(await readFile(resolveIn(trailDir, HEAD_FILE)))?.head.openLog === null;
  } catch {
    return false;
  }
}

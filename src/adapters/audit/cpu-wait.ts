/**
 * How long the calling thread has waited for a CPU: on Linux, the run_delay
 * field of /proc/thread-self/schedstat (time spent runnable but not
 * running), read with one pread. A write timed on the event loop subtracts
 * it, so that waiting to run again after the disk answered, on a machine
 * whose CPUs are all busy, is not taken for a slow disk.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface CpuWaitClock {
  /** Milliseconds the thread has waited for a CPU so far. */
  waitedMs(): number;
  close(): void;
}

/**
 * A clock for the thread that calls this (the file is the calling thread's
 * own), or undefined where the kernel does not report the figure.
 */
export function openCpuWaitClock(): CpuWaitClock | undefined {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(96);
  const read = (): number | undefined => {
    // "<ns on CPU> <ns waiting for a CPU> <timeslices>\n"
    const n = readSync(fd, buf, 0, buf.length, 0);
    const ns = Number(buf.toString('latin1', 0, n).split(' ')[1]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  };
  try {
    if (read() === undefined) throw new Error('unexpected schedstat format');
  } catch {
    closeSync(fd);
    return undefined;
  }
  let last = 0;
  let open = true;
  return {
    waitedMs() {
      if (!open) return last;
      try {
        last = read() ?? last;
      } catch {
        // Keep the last figure: a write is then timed by the wall clock alone.
      }
      return last;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

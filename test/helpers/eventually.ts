/**
 * Waiting for a change made through one node or worker to reach another:
 * Trent honours it everywhere within the change feed's bound (1 s).
 */
import assert from 'node:assert/strict';

export const CHANGE_BOUND_MS = 1000;

/** Retries `probe` until it resolves without throwing; fails with its last error once `boundMs` has passed. */
export async function eventually<T>(probe: () => Promise<T>, boundMs = CHANGE_BOUND_MS): Promise<T> {
  const started = performance.now();
  for (;;) {
    try {
      return await probe();
    } catch (e) {
      if (performance.now() - started > boundMs) throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `eventually` for a value that must come to equal `expected`. */
export async function eventuallyEqual<T>(read: () => Promise<T>, expected: T, message?: string, boundMs = CHANGE_BOUND_MS): Promise<void> {
  await eventually(async () => assert.deepEqual(await read(), expected, message), boundMs);
}

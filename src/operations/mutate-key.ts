/**
 * Read-modify-write of a key record with optimistic concurrency: `change`
 * gets a copy of the latest record, may throw a KmsError to refuse, and
 * returns the new record; a lost race re-reads and re-applies it. `write`
 * stores the new record (default: KeyStore.updateKey); it must be a
 * compare-and-set on the revision, returning false when it lost the race.
 */
import { err } from '../domain/errors.js';
import type { KeyRecord } from '../domain/key-model.js';
import type { Deps } from './context.js';

const MAX_ATTEMPTS = 8;

export async function mutateKey(
  initial: KeyRecord,
  deps: Deps,
  change: (key: KeyRecord) => KeyRecord,
  write: (next: KeyRecord) => Promise<boolean> = (next) => deps.store.updateKey(next),
): Promise<KeyRecord> {
  let current = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = change(structuredClone(current));
    next.revision = current.revision + 1;
    if (await write(next)) return next;
    const reread = await deps.store.getKey(current.accountId, current.region, current.keyId);
    if (!reread) throw err.notFound(`Key '${current.keyId}' does not exist`);
    current = reread;
  }
  throw err.internal();
}

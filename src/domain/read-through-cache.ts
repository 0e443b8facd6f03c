/**
 * A bounded read-through cache of records that other processes can change,
 * shared by the key-record, credential and identity-policy caches.
 *
 * - An entry is served only while `trusted()` holds (the change feed was read
 *   recently); otherwise every read loads, and a load is kept only if the
 *   cache was trusted both when it started and when it finished.
 * - Every drop advances an epoch, and a load that saw the epoch move keeps
 *   nothing: a read racing with an invalidation cannot put stale data back.
 * - At most `capacity` entries, least recently used out.
 *
 * Pure apart from the loads it is handed.
 */
import { RecencyMap } from './recency-map.js';

export class ReadThroughCache<K, V> {
  private readonly entries = new RecencyMap<K, V>();
  private epoch = 0;

  constructor(
    private readonly capacity: number,
    private readonly trusted: () => boolean,
  ) {}

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The entry for `key`, or what `load` finds (undefined: nothing, and
   * nothing kept). `keep` turns a loaded value into the one held and
   * returned (for example, frozen).
   */
  async read(key: K, load: () => Promise<V | undefined>, keep: (loaded: V) => V = (v) => v): Promise<V | undefined> {
    const trustedAtStart = this.trusted();
    if (trustedAtStart) {
      const hit = this.entries.get(key);
      if (hit !== undefined) {
        this.entries.touch(key, hit);
        return hit;
      }
    }
    const epoch = this.epoch;
    const loaded = await load();
    if (loaded === undefined) return undefined;
    const value = keep(loaded);
    if (trustedAtStart && epoch === this.epoch && this.trusted()) {
      this.entries.set(key, value);
      this.entries.trimTo(this.capacity);
    }
    return value;
  }

  drop(key: K): void {
    this.epoch++;
    this.entries.delete(key);
  }

  /** Drops every entry for which `test` holds. */
  dropWhere(test: (key: K, value: V) => boolean): void {
    this.epoch++;
    for (const [key, value] of this.entries) if (test(key, value)) this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}

/**
 * A Map kept in least-recently-used order, for the bounded caches: `touch`
 * makes an entry the most recent (nothing moves when it already is, the
 * common case of one hot key), `set` of a new key puts it last, overwriting
 * keeps an entry's place, and `trimTo` drops the least recent entries. Pure.
 */
export class RecencyMap<K, V> extends Map<K, V> {
  /** The key put last; whenever it is present it is the most recent. */
  private newest: K | undefined;

  override set(key: K, value: V): this {
    if (!super.has(key)) this.newest = key;
    return super.set(key, value);
  }

  /** Makes `key`, present with `value`, the most recently used. */
  touch(key: K, value: V): void {
    if (key === this.newest) return;
    super.delete(key);
    super.set(key, value);
    this.newest = key;
  }

  /** The least recently used key, if any. */
  oldest(): K | undefined {
    return this.keys().next().value;
  }

  /** Drops the least recently used entries until at most `capacity` remain. */
  trimTo(capacity: number): void {
    while (this.size > capacity) this.delete(this.oldest() as K);
  }
}

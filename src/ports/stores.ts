/** Every store the core uses, opened and closed together (one database). */
import type { IdentityStore } from './identity-store.js';
import type { KeyStore } from './key-store.js';

/**
 * Small named values about the store itself (the root key check value).
 * Durable before each promise resolves.
 */
export interface SettingsStore {
  get(name: string): Promise<Buffer | undefined>;
  /** Stores `value` unless the name already has one; returns the value now stored (the first writer's). */
  putIfAbsent(name: string, value: Buffer): Promise<Buffer>;
}

export interface Stores {
  keys: KeyStore;
  identity: IdentityStore;
  settings: SettingsStore;
  /**
   * Runs `fn` holding the store's start-up lock: nodes starting together
   * against one store take turns, so only one of them bootstraps an empty
   * store (root key check value, first account). Released when `fn` settles,
   * or when the holder dies.
   */
  exclusively<T>(fn: () => Promise<T>): Promise<T>;
  /** A short description for logs: backend and driver, never credentials. */
  readonly description: string;
  close(): Promise<void>;
}

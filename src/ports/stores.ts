/** Every store the core uses, opened and closed together (one database). */
import type { IdentityStore } from './identity-store.js';
import type { KeyStore } from './key-store.js';
import type { ChangeLog } from './change-log.js';

export interface Stores {
  keys: KeyStore;
  identity: IdentityStore;
  /** What changed, for dropping cached copies on every node and process sharing the store. */
  changes: ChangeLog;
  /** A short description for logs: backend and driver, never credentials. */
  readonly description: string;
  close(): Promise<void>;
}

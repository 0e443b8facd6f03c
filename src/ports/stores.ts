/** Every store the core uses, opened and closed together (one database). */
import type { IdentityStore } from './identity-store.js';
import type { KeyStore } from './key-store.js';

export interface Stores {
  keys: KeyStore;
  identity: IdentityStore;
  /** A short description for logs: backend and driver, never credentials. */
  readonly description: string;
  close(): Promise<void>;
}

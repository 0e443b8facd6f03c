/**
 * Start-up of the store and the root key (composition root: main.ts): the
 * store `--store` names, migrated, and the root key, created only for a
 * store that has never been started.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStores } from '../adapters/store/sqlite/open-sqlite.js';
import { openPostgresStores } from '../adapters/store/postgres/open-postgres.js';
import { isPostgresUrl } from '../adapters/store/postgres/pg-url.js';
import { loadLocalRootKey, type LocalRootKey } from '../adapters/rootkey/local-root-key.js';
import { checkRootKey, storeInitialised } from '../adapters/rootkey/root-key-check.js';
import { bootstrapIdentity, type BootstrapResult } from '../adapters/identity/bootstrap.js';
import type { Logger } from '../adapters/logger.js';
import type { Stores } from '../ports/stores.js';

/** The embedded store's file in the data directory. */
export const STORE_FILE = 'trent.db';

export interface StoreChoice {
  dataDir: string;
  /** 'sqlite' (the default) or a postgres:// URL. */
  store?: string;
}

export interface OpenedStores {
  stores: Stores;
  rootKey: LocalRootKey;
  bootstrap: BootstrapResult;
}

/**
 * Opens the store (migrating it), loads the root key (creating it only on a
 * fresh store) and bootstraps the first account, under the store's start-up lock.
 */
export async function openStoresAndRootKey(options: StoreChoice, env: NodeJS.ProcessEnv, logger: Logger, now: number): Promise<OpenedStores> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const stores = await openStores(options, logger);
  try {
    // One node at a time: only the first start of a store generates a root key and bootstraps the first account.
    return await stores.exclusively(async () => {
      // A store that was started before must be given its root key, never a new one.
      const mayCreate = !(await storeInitialised(stores.settings, stores.identity));
      const rootKey = loadLocalRootKey(options.dataDir, env, { mayCreate });
      const check = await checkRootKey(stores.settings, stores.identity, rootKey);
      if (check === 'created') logger.info('root key check value recorded in the store');
      const bootstrap = await bootstrapIdentity(stores.identity, rootKey, env, options.dataDir, now);
      return { stores, rootKey, bootstrap };
    });
  } catch (e) {
    await stores.close();
    throw e;
  }
}

/** The store `options.store` names; a PostgreSQL URL's password never reaches a message or a log. */
async function openStores(options: StoreChoice, logger: Logger): Promise<Stores> {
  const store = options.store ?? 'sqlite';
  if (store === 'sqlite') return openSqliteStores(join(options.dataDir, STORE_FILE));
  if (isPostgresUrl(store)) {
    return openPostgresStores(store, {
      onConnectionError: (e) => logger.warn('a pooled PostgreSQL connection failed; the pool replaces it', { error: e.message }),
    });
  }
  throw new Error('the store must be sqlite or a postgres:// URL');
}

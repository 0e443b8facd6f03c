/**
 * Composition root: the only place adapters are chosen and wired.
 * `startTrent` is used by the CLI and by tests (with a fake clock).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStores } from './adapters/store/sqlite/open-sqlite.js';
import { loadLocalRootKey } from './adapters/rootkey/local-root-key.js';
import { CredentialLookup } from './adapters/identity/credentials.js';
import { bootstrapIdentity, type BootstrapResult } from './adapters/identity/bootstrap.js';
import { DevAuthenticator, SigV4Authenticator, type Authenticator } from './adapters/http/authenticator.js';
import { TrentApp } from './adapters/http/app.js';
import { QueryEndpoint } from './adapters/query/endpoint.js';
import type { CredentialCache } from './adapters/query/context.js';
import { listen, type RunningServer } from './adapters/http/server.js';
import { jsonLogger, type Logger } from './adapters/logger.js';
import { MaterialCache } from './operations/material-cache.js';
import { sweepDueDeletions } from './operations/deletion-sweeper.js';
import type { Deps } from './operations/context.js';
import { systemClock, type Clock } from './ports/clock.js';
import { cryptoRandom } from './ports/random.js';

export interface TrentOptions {
  dataDir: string;
  /** Trusted service integrations: principal ARN -> service name for kms:ViaService. */
  viaServices?: ReadonlyMap<string, string>;
  host?: string;
  port?: number;
  tls?: { cert: Buffer; key: Buffer };
  dev?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Clock for key lifecycle (deletion dates) and session expiry; SigV4 skew checks always use real time. */
  clock?: Clock;
  /** How often scheduled deletions are swept, in ms. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

export interface Trent {
  url: string;
  port: number;
  bootstrap: BootstrapResult;
  deps: Deps;
  /** Runs the deletion sweep now; returns how many keys were deleted. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export const STORE_FILE = 'trent.db';
const SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function startTrent(options: TrentOptions): Promise<Trent> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? jsonLogger();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const rootKey = loadLocalRootKey(options.dataDir, env);
  const stores = openSqliteStores(join(options.dataDir, STORE_FILE));
  const store = stores.keys;
  const deps: Deps = { store, identity: stores.identity, rootKey, clock, random: cryptoRandom, materials: new MaterialCache(store, rootKey), viaServices: options.viaServices };
  logger.info('store opened', { store: stores.description, rootKey: rootKey.description });
  const bootstrap = await bootstrapIdentity(stores.identity, rootKey, env, options.dataDir, clock.now());
  const credentials = new CredentialLookup(stores.identity, rootKey);
  const authenticator: Authenticator = options.dev
    ? new DevAuthenticator(stores.identity, clock)
    : new SigV4Authenticator(credentials, systemClock, clock);
  const cache: CredentialCache = credentials;
  const query = new QueryEndpoint({ ...deps, credentials: cache }, authenticator, logger);
  const app = new TrentApp(deps, authenticator, logger, query);

  const sweep = async () => {
    try {
      // Expired sessions are kept a day, so their users hear ExpiredToken rather than an unknown key.
      await stores.identity.deleteExpiredSessions(clock.now() - SESSION_RETENTION_MS);
      return await sweepDueDeletions(deps);
    } catch (e) {
      logger.error('deletion sweep failed', { error: String(e) });
      return 0;
    }
  };
  await sweep();
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  let server: RunningServer;
  try {
    server = await listen(app, { host: options.host ?? '127.0.0.1', port: options.port ?? 0, tls: options.tls });
  } catch (e) {
    clearInterval(timer);
    await stores.close();
    throw e;
  }
  return {
    url: server.url,
    port: server.port,
    bootstrap,
    deps,
    sweep,
    close: async () => {
      clearInterval(timer);
      await server.close();
      await stores.close();
    },
  };
}

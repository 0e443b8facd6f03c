/** What every operation receives: the authenticated caller and the core's ports. */
import type { Clock } from '../ports/clock.js';
import type { IdentityStore } from '../ports/identity-store.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Random } from '../ports/random.js';
import type { RootKeyProvider } from '../ports/root-key.js';
import type { MaterialCache } from './material-cache.js';

export interface Caller {
  accountId: string;
  /** e.g. arn:aws:iam::111122223333:root */
  arn: string;
  principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  accessKeyId: string;
}

export interface RequestContext {
  caller: Caller;
  /** The region of the SigV4 credential scope. */
  region: string;
  requestId: string;
}

export interface Deps {
  store: KeyStore;
  identity: IdentityStore;
  rootKey: RootKeyProvider;
  clock: Clock;
  random: Random;
  materials: MaterialCache;
}

/** A JSON request body, validated against the API model before the handler runs. */
export type Input = Record<string, any>;

export type Handler = (input: Input, ctx: RequestContext, deps: Deps) => Promise<object>;

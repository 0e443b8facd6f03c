/** What every operation receives: the authenticated caller and the core's ports. */
import type { Clock } from '../ports/clock.js';
import type { IdentityStore } from '../ports/identity-store.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Random } from '../ports/random.js';
import type { RootKeyProvider } from '../ports/root-key.js';
import type { MaterialCache } from './material-cache.js';

/** The authenticated principal of a request. */
export interface Caller {
  accountId: string;
  /** The account root (arn:aws:iam::111122223333:root), an IAM user, or an assumed-role session ARN. */
  arn: string;
  principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  accessKeyId: string;
  /** aws:userid: the account id for the root, the user id (AIDA...) for users, "AROA...:session" for sessions. */
  userId: string;
  /** IAM users only. */
  userName?: string;
  /** Assumed-role sessions only: the role and the session's name. */
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  /** Session tags (aws:PrincipalTag/*), when the session has any. */
  principalTags?: Record<string, string>;
}

export interface RequestContext {
  caller: Caller;
  /** The region of the SigV4 credential scope. */
  region: string;
  requestId: string;
  /** The client's address (aws:SourceIp). */
  sourceIp: string;
  /** Whether the request arrived over TLS (aws:SecureTransport). */
  secureTransport: boolean;
  userAgent: string;
}

export interface Deps {
  store: KeyStore;
  identity: IdentityStore;
  rootKey: RootKeyProvider;
  clock: Clock;
  random: Random;
  materials: MaterialCache;
  /**
   * Trusted service integrations: a principal ARN (a user, or a role for all
   * its sessions) mapped to the service name its KMS calls carry as
   * kms:ViaService, as AWS services calling on a user's behalf do.
   */
  viaServices?: ReadonlyMap<string, string>;
}

/** A JSON request body, validated against the API model before the handler runs. */
export type Input = Record<string, any>;

export type Handler = (input: Input, ctx: RequestContext, deps: Deps) => Promise<object>;

/** What IAM and STS handlers receive: the authenticated request and the ports they use. */
import type { Deps, RequestContext } from '../../operations/context.js';

export interface QueryContext extends RequestContext {
  /** A long-term access key, or temporary credentials (AssumeRole / GetSessionToken). */
  credential: 'long-term' | 'session';
  /** Sessions only: when the credentials were issued (epoch ms). */
  issuedAt?: number;
}

/** Invalidation of cached credentials, so deactivations and deletions take effect at once. */
export interface CredentialCache {
  forget(accessKeyId: string): void;
  forgetPrincipal(principalId: string): void;
}

export interface QueryDeps extends Deps {
  credentials: CredentialCache;
}

export type QueryInput = Record<string, any>;

/** An action's handler: the decoded, validated input in; the result (members of the output shape) out. */
export type QueryHandler = (input: QueryInput, ctx: QueryContext, deps: QueryDeps) => Promise<object | undefined>;

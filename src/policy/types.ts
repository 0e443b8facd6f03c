/**
 * Shared types of the policy engine: who is asking (RequestPrincipal), what the
 * request carries for conditions (RequestContext), and the compiled form of a
 * policy document (ParsedPolicy). Pure: no I/O, no clock.
 */
import type { Glob } from './wildcards.js';
import type { Template } from './variables.js';
import type { CompiledCondition } from './operators.js';
import type { PrincipalMatcher } from './principals.js';

/** The kinds of caller the engine knows. `Root` is an account's root user. */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'Service' | 'Anonymous';

/** The authenticated caller of a request. */
export interface RequestPrincipal {
  readonly type: PrincipalType;
  /**
   * The caller's own ARN: `arn:aws:iam::111122223333:root`,
   * `arn:aws:iam::111122223333:user/path/Alice`,
   * `arn:aws:sts::111122223333:assumed-role/Role/session`. For a service, its
   * service principal name; for an anonymous caller, `*` or any placeholder.
   */
  readonly arn: string;
  /** The 12-digit account of an IAM caller. Absent (or '') for services and anonymous callers. */
  readonly accountId?: string;
  /** For an assumed-role session: the ARN of the role (with its path), e.g. `arn:aws:iam::111122223333:role/Admin`. */
  readonly roleArn?: string;
  /** The value of `aws:userid`: `AIDA...` for users, `AROA...:session` for sessions, the account id for root. */
  readonly userId?: string;
  /** The value of `aws:username`: IAM users only. */
  readonly username?: string;
  /** For `type: 'Service'`: the service principal name, e.g. `logs.amazonaws.com`. */
  readonly serviceName?: string;
}

/**
 * One condition key's value in a request.
 *
 * - `string`: a single-valued key (`aws:SourceIp`, `aws:CurrentTime` as ISO 8601,
 *   `kms:EncryptionContext:Department`, `aws:ResourceTag/Project`, binary keys as base64).
 * - `readonly string[]`: a multivalued key (`kms:EncryptionContextKeys`, `aws:TagKeys`).
 *   An empty array is an empty set and is treated exactly like an absent key.
 * - `boolean`: Bool keys (`aws:SecureTransport`, `aws:ViaAWSService`).
 * - `number`: numeric keys, and Date keys given as epoch seconds (`aws:EpochTime`).
 * - `undefined`: the key is absent.
 *
 * Every value is also usable by any other operator family: numbers and booleans
 * compare as their decimal / `true`|`false` text with String operators, strings
 * are parsed as numbers, dates, addresses or base64 as the operator needs. A value
 * the operator cannot interpret satisfies neither the operator nor its negation.
 */
export type ContextValue = string | boolean | number | readonly string[];

/**
 * The request context: condition key name -> value. Key names are matched
 * case-insensitively (AWS: "Context key names are not case-sensitive"); if two
 * names differ only in case, the later one in property order wins. Keys the
 * engine can derive from the principal (`aws:username`, `aws:userid`,
 * `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalType`,
 * `aws:PrincipalServiceName`) are added when the context does not name them.
 */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

export type PolicyKind = 'resource' | 'identity' | 'trust';
export type Effect = 'Allow' | 'Deny';
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** How a statement's principal element matched: not at all, through the caller's account, or naming the caller. */
export type PrincipalMatch = 'none' | 'account' | 'direct';

export interface CompiledStatement {
  /** Position in the Statement array (0 for a lone statement object). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** Absent for identity policies: the statement applies to the policy's holder. */
  readonly principal?: { readonly negated: boolean; readonly matcher: PrincipalMatcher };
  readonly action: { readonly negated: boolean; readonly patterns: readonly Glob[] };
  /** Absent when the statement has neither Resource nor NotResource (resource policies): any resource. */
  readonly resource?: { readonly negated: boolean; readonly patterns: readonly Template[] };
  readonly conditions: readonly CompiledCondition[];
}

/** A validated, compiled policy document. Immutable; evaluate as often as needed. */
export interface ParsedPolicy {
  readonly kind: PolicyKind;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly CompiledStatement[];
}

/** A request to evaluate one policy (or a set of policies) against. */
export interface EvaluationRequest {
  readonly principal: RequestPrincipal;
  /** `service:Action`, e.g. `kms:Encrypt`; compared case-insensitively. */
  readonly action: string;
  /** The resource ARN, e.g. the key ARN. */
  readonly resource: string;
  readonly context?: RequestContext;
}

/** What every operation receives: the authenticated caller and the core's ports. */
import type { AuditSink } from '../ports/audit-sink.js';
import type { Clock } from '../ports/clock.js';
import type { IdentityStore } from '../ports/identity-store.js';
import type { KeyStore } from '../ports/key-store.js';
import type { Random } from '../ports/random.js';
import type { RootKeyProvider } from '../ports/root-key.js';
import type { MaterialCache } from './material-cache.js';
import type { Replication } from './multi-region/peers.js';
import type { QuotaGate } from './request-limiter.js';

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
  /** What the operation tells the audit trail about itself; absent when nothing records it. */
  audit?: AuditNotes;
}

/**
 * Facts an operation learns while it runs that its audit event needs: the
 * keys it resolved and the key material it used. One mutable object per
 * request, filled by the key resolver and the encrypt/decrypt helpers (see
 * noteKey, noteDecryptingKey, noteMaterial), read once by the request
 * pipeline when it records the event, whatever the outcome.
 */
export interface AuditNotes {
  /** Key ARNs the request resolved, in order, duplicates allowed. */
  keyArns: string[];
  /** The key that decrypted (Decrypt, ReEncrypt's source): CloudTrail lists it first. */
  decryptingKeyArn?: string;
  /** Material that encrypted (Encrypt, GenerateDataKey*, ReEncrypt's destination). */
  encryptMaterialId?: string;
  /** Material that decrypted (Decrypt, ReEncrypt's source). */
  decryptMaterialId?: string;
}

export function newAuditNotes(): AuditNotes {
  return { keyArns: [] };
}

/** Records that the request resolved (found) this key. */
export function noteKey(ctx: RequestContext, arn: string): void {
  ctx.audit?.keyArns.push(arn);
}

/** Records the key a ciphertext was decrypted with (found from the ciphertext or named by the caller). */
export function noteDecryptingKey(ctx: RequestContext, arn: string): void {
  if (!ctx.audit) return;
  ctx.audit.decryptingKeyArn = arn;
  ctx.audit.keyArns.push(arn);
}

export function noteMaterial(ctx: RequestContext, use: 'encrypt' | 'decrypt', materialId: string): void {
  if (!ctx.audit) return;
  if (use === 'encrypt') ctx.audit.encryptMaterialId = materialId;
  else ctx.audit.decryptMaterialId = materialId;
}

/** The most recent successful cryptographic use of a key, from the audit trail. */
export interface KeyUsageRecord {
  operation: string;
  /** epoch ms */
  time: number;
  eventId: string;
  requestId?: string;
}

/** The audit trail as GetKeyLastUsage reads it. */
export interface KeyUsageHistory {
  /** The newest successful use of the key (an operation GetKeyLastUsage tracks) at or after `notBefore`. */
  lastUsage(keyArn: string, options?: { notBefore?: number }): Promise<KeyUsageRecord | undefined>;
  /** When the trail's oldest remaining event happened (epoch ms), if it has any. */
  trackingStart(): Promise<number | undefined>;
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
  /** Where the scheduler records its service events (deletion, rotation, import expiry). */
  audit?: AuditSink;
  /** Multi-Region replication with other Trent deployments, when configured. */
  replication?: Replication;
  /** The audit trail, read for GetKeyLastUsage. */
  keyUsage?: KeyUsageHistory;
  /** Request quotas per account, Region and class; absent when off (the default). */
  quotas?: QuotaGate;
}

/** A JSON request body, validated against the API model before the handler runs. */
export type Input = Record<string, any>;

export type Handler = (input: Input, ctx: RequestContext, deps: Deps) => Promise<object>;

/**
 * The condition keys of a KMS request: AWS global keys and the KMS keys AWS
 * documents for each operation, as a policy-engine request context. Pure.
 */
import type { ContextValue, RequestContext as PolicyContext } from '../../policy/types.js';
import type { KeyRecord, Tag } from '../../domain/key-model.js';
import type { RequestContext } from '../context.js';
import { multiRegionKeyType } from '../../domain/multi-region.js';

/** Request parameters that become kms:* condition keys, per operation. */
export interface KmsRequestFacts {
  encryptionContext?: Record<string, string>;
  encryptionAlgorithm?: string;
  /** The alias name the caller used to identify the key, if any. */
  requestAlias?: string;
  grantOperations?: string[];
  granteePrincipal?: string;
  retiringPrincipal?: string;
  grantConstraintTypes?: string[];
  pendingWindowInDays?: number;
  bypassPolicyLockoutSafetyCheck?: boolean;
  /** CreateKey: the requested key's properties (for other operations they come from the key). */
  keySpec?: string;
  keyUsage?: string;
  keyOrigin?: string;
  multiRegion?: boolean;
  /** CreateKey and TagResource: tags in the request (aws:RequestTag/*, aws:TagKeys). */
  requestTags?: Tag[];
  /** UntagResource: the tag keys in the request (aws:TagKeys). */
  tagKeys?: string[];
  reEncryptOnSameKey?: boolean;
  signingAlgorithm?: string;
  messageType?: string;
  macAlgorithm?: string;
  keyAgreementAlgorithm?: string;
  dataKeyPairSpec?: string;
  rotationPeriodInDays?: number;
  wrappingAlgorithm?: string;
  wrappingKeySpec?: string;
  expirationModel?: string;
  validTo?: number;
  /** ReplicateKey: the ReplicaRegion parameter (kms:ReplicaRegion). */
  replicaRegion?: string;
  /** UpdatePrimaryRegion: the PrimaryRegion parameter (kms:PrimaryRegion). */
  primaryRegion?: string;
  /** Set when a trusted service integration makes the call (kms:ViaService). */
  viaService?: string;
}

export interface ConditionInputs {
  ctx: RequestContext;
  now: number;
  key?: KeyRecord;
  /** Aliases of the key, for kms:ResourceAliases (only computed when a policy uses it). */
  resourceAliases?: string[];
  facts?: KmsRequestFacts;
}

export function kmsConditionKeys({ ctx, now, key, resourceAliases, facts = {} }: ConditionInputs): PolicyContext {
  const c: Record<string, ContextValue | undefined> = {
    'aws:CurrentTime': new Date(now).toISOString(),
    'aws:EpochTime': Math.floor(now / 1000),
    'aws:SourceIp': ctx.sourceIp || undefined,
    'aws:SecureTransport': ctx.secureTransport,
    'aws:RequestedRegion': ctx.region,
    'aws:MultiFactorAuthPresent': false,
    'aws:ViaAWSService': facts.viaService !== undefined,
    'aws:UserAgent': ctx.userAgent || undefined,
    'kms:CallerAccount': ctx.caller.accountId,
    'kms:ViaService': facts.viaService,
    'kms:EncryptionAlgorithm': facts.encryptionAlgorithm,
    'kms:RequestAlias': facts.requestAlias,
    'kms:GrantOperations': facts.grantOperations,
    'kms:GranteePrincipal': facts.granteePrincipal,
    'kms:RetiringPrincipal': facts.retiringPrincipal,
    'kms:GrantConstraintType': facts.grantConstraintTypes,
    'kms:GrantIsForAWSResource': facts.grantOperations ? facts.viaService !== undefined : undefined,
    'kms:ScheduleKeyDeletionPendingWindowInDays': facts.pendingWindowInDays,
    'kms:BypassPolicyLockoutSafetyCheck': facts.bypassPolicyLockoutSafetyCheck,
    'kms:ReEncryptOnSameKey': facts.reEncryptOnSameKey,
    'kms:SigningAlgorithm': facts.signingAlgorithm,
    'kms:MessageType': facts.messageType,
    'kms:MacAlgorithm': facts.macAlgorithm,
    'kms:KeyAgreementAlgorithm': facts.keyAgreementAlgorithm,
    'kms:DataKeyPairSpec': facts.dataKeyPairSpec,
    'kms:RotationPeriodInDays': facts.rotationPeriodInDays,
    'kms:WrappingAlgorithm': facts.wrappingAlgorithm,
    'kms:WrappingKeySpec': facts.wrappingKeySpec,
    'kms:ExpirationModel': facts.expirationModel,
    'kms:ValidTo': facts.validTo,
    'kms:KeySpec': key?.keySpec ?? facts.keySpec,
    'kms:KeyUsage': key?.keyUsage ?? facts.keyUsage,
    'kms:KeyOrigin': key?.origin ?? facts.keyOrigin,
    'kms:MultiRegion': key?.multiRegion ?? facts.multiRegion,
    'kms:ResourceAliases': resourceAliases,
    'kms:MultiRegionKeyType': key ? multiRegionKeyType(key) : undefined,
    'kms:ReplicaRegion': facts.replicaRegion,
    'kms:PrimaryRegion': facts.primaryRegion,
  };
  for (const [k, v] of Object.entries(ctx.caller.principalTags ?? {})) c[`aws:PrincipalTag/${k}`] = v;
  if (key) for (const t of key.tags) c[`aws:ResourceTag/${t.TagKey}`] = t.TagValue;
  if (facts.requestTags) {
    for (const t of facts.requestTags) c[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
    c['aws:TagKeys'] = facts.requestTags.map((t) => t.TagKey);
  }
  if (facts.tagKeys) c['aws:TagKeys'] = facts.tagKeys;
  if (facts.encryptionContext) {
    const keys = Object.keys(facts.encryptionContext);
    for (const k of keys) c[`kms:EncryptionContext:${k}`] = facts.encryptionContext[k];
    c['kms:EncryptionContextKeys'] = keys;
  }
  return c;
}

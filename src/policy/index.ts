/**
 * The IAM policy language engine and the AWS KMS authorization decision.
 * Pure: no I/O, no clock (time arrives as aws:CurrentTime / aws:EpochTime in
 * the request context).
 */
export type {
  CompiledStatement,
  ContextValue,
  Effect,
  EvaluationRequest,
  ParsedPolicy,
  PolicyKind,
  PolicyVersion,
  PrincipalMatch,
  PrincipalType,
  RequestContext,
  RequestPrincipal,
} from './types.js';
export { INVALID_PRINCIPALS_MESSAGE, PolicyDocumentError } from './errors.js';
export { compilePolicy, parsePolicy } from './document.js';
export { contextLookup, principalContextKeys, type ContextLookup } from './context.js';
export {
  evaluatePolicies,
  evaluatePolicy,
  evaluatePolicyWithLookup,
  mergeEvaluations,
  type MatchedStatement,
  type PolicyEvaluation,
} from './evaluate.js';
export {
  accessDeniedMessage,
  authorizeKmsRequest,
  kmsAction,
  type KmsAllowBasis,
  type KmsAuthorizationRequest,
  type KmsDecision,
  type KmsDenyReason,
} from './kms-decision.js';
export { LOCKOUT_MESSAGE, wouldLockOut, type LockoutOptions } from './lockout.js';
export { OPERATOR_NAMES } from './operators.js';
export { usesRequestContext } from './context-use.js';

/**
 * Remembers KMS authorization decisions that cannot depend on the request:
 * when no policy involved has a condition or a policy variable, the decision
 * is a pure function of the parsed policies (cached by text, so a changed
 * policy is a different object), the principal's identity fields, the action
 * and the key ARN. Entries hang off the key policy object and go with it;
 * each policy keeps at most MEMO_SIZE decisions.
 */
import { authorizeKmsRequest, type KmsAuthorizationRequest, type KmsDecision, type ParsedPolicy } from '../../policy/index.js';

const MEMO_SIZE = 512;
const memos = new WeakMap<ParsedPolicy, Map<string, KmsDecision>>();
const policyIds = new WeakMap<ParsedPolicy, number>();
let nextPolicyId = 1;

function policyId(p: ParsedPolicy): number {
  let id = policyIds.get(p);
  if (id === undefined) {
    id = nextPolicyId++;
    policyIds.set(p, id);
  }
  return id;
}

/** authorizeKmsRequest for a request without grants or condition context, memoised. */
export function contextFreeDecision(req: KmsAuthorizationRequest): KmsDecision {
  if (req.context !== undefined || req.grants !== undefined) return authorizeKmsRequest(req);
  const p = req.principal;
  const id = [p.type, p.arn, p.accountId ?? '', p.userId ?? '', p.username ?? '', p.roleArn ?? '', p.serviceName ?? '', req.action, req.keyArn, req.keyAccountId, ...req.identityPolicies.map(policyId)].join('\u0000');
  let memo = memos.get(req.keyPolicy);
  if (!memo) {
    memo = new Map();
    memos.set(req.keyPolicy, memo);
  }
  const hit = memo.get(id);
  if (hit) return hit;
  const decision = authorizeKmsRequest(req);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(id, decision);
  return decision;
}

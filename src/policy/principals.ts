/**
 * The Principal / NotPrincipal element: validation, compilation and matching.
 *
 * Accepted forms: `"*"`; `{"AWS": v | [v...]}` where v is `*`, a 12-digit
 * account id, `arn:PARTITION:iam::ACCOUNT:root`, an IAM user or role ARN
 * (with path), an STS assumed-role session ARN or federated-user ARN;
 * `{"Service": "name.amazonaws.com" | [...]}`; `{"Federated": ...}`;
 * `{"CanonicalUser": ...}`. Wildcards inside ARNs are not allowed (IAM: "you
 * cannot use a wildcard to match part of a principal name or ARN").
 *
 * Matching: `*` matches every caller (direct). An account id or root ARN
 * matches every IAM identity of that account, reported as an `account` match
 * (the key policy then delegates to IAM). A user ARN matches that user; a role
 * ARN matches every session of the role; a session ARN matches that session
 * (all `direct`). A service name matches that service principal. Pure.
 */
import { INVALID_PRINCIPALS_MESSAGE, PolicyDocumentError } from './errors.js';
import type { PrincipalMatch, RequestPrincipal } from './types.js';

export interface PrincipalMatcher {
  readonly any: boolean;
  /** Account ids named by id or root ARN. */
  readonly accounts: ReadonlySet<string>;
  /** User, role, assumed-role session and federated-user ARNs. */
  readonly arns: ReadonlySet<string>;
  /** Service principal names, lower-cased. */
  readonly services: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
  readonly canonicalUsers: ReadonlySet<string>;
}

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc)';
const NAME = '[\\w+=,.@-]+';
const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):root$`);
const IAM_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(?:user|role)(?:/${NAME})+$`);
const STS_ARN = new RegExp(`^arn:${PARTITION}:sts::\\d{12}:(?:assumed-role/${NAME}/${NAME}|federated-user/${NAME})$`);
const SERVICE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$/;

const ELEMENTS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

function invalid(): never {
  throw new PolicyDocumentError(INVALID_PRINCIPALS_MESSAGE);
}

export function compilePrincipal(raw: unknown): PrincipalMatcher {
  const m = {
    any: false,
    accounts: new Set<string>(),
    arns: new Set<string>(),
    services: new Set<string>(),
    federated: new Set<string>(),
    canonicalUsers: new Set<string>(),
  };
  if (raw === '*') return { ...m, any: true };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid();
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) invalid();
  for (const [element, value] of entries) {
    if (!ELEMENTS.has(element)) invalid();
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) invalid();
    for (const v of list) {
      if (typeof v !== 'string' || v === '') invalid();
      if (element === 'AWS') addAws(m, v);
      else if (element === 'Service') {
        if (!SERVICE.test(v.toLowerCase())) invalid();
        m.services.add(v.toLowerCase());
      } else if (element === 'Federated') m.federated.add(v);
      else m.canonicalUsers.add(v);
    }
  }
  return m;
}

function addAws(m: { any: boolean; accounts: Set<string>; arns: Set<string> }, v: string): void {
  if (v === '*') {
    m.any = true;
    return;
  }
  if (ACCOUNT_ID.test(v)) {
    m.accounts.add(v);
    return;
  }
  const root = ROOT_ARN.exec(v);
  if (root) {
    m.accounts.add(root[1]);
    return;
  }
  if (IAM_ARN.test(v) || STS_ARN.test(v)) {
    m.arns.add(v);
    return;
  }
  invalid();
}

/** How a Principal element matches the caller. */
export function matchPrincipal(m: PrincipalMatcher, p: RequestPrincipal): PrincipalMatch {
  if (m.any) return 'direct';
  switch (p.type) {
    case 'Service':
      return m.services.has((p.serviceName ?? p.arn).toLowerCase()) ? 'direct' : 'none';
    case 'Anonymous':
      return 'none';
    case 'AssumedRole':
      if (m.arns.has(p.arn) || (p.roleArn !== undefined && m.arns.has(p.roleArn))) return 'direct';
      break;
    case 'IAMUser':
      if (m.arns.has(p.arn)) return 'direct';
      break;
    case 'Root':
      break;
  }
  return p.accountId && m.accounts.has(p.accountId) ? 'account' : 'none';
}

/**
 * IAM identifiers: unique ids in AWS's format (a four-letter prefix and 17
 * characters of base32, e.g. AIDACKCEVSQ6C2EXAMPLE), ARNs of users, roles,
 * managed policies and assumed-role sessions, and parsing of the ARNs callers
 * pass in. Pure: randomness is passed in.
 */
import { PARTITION } from '../key-ids.js';

export const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Unique-id prefixes (IAM "Unique identifiers"). */
export const ID_PREFIX = { user: 'AIDA', role: 'AROA', policy: 'ANPA', accessKey: 'AKIA', sessionKey: 'ASIA' } as const;

/** `prefix` followed by `length` base32 characters drawn from `random` (at least `length` bytes). */
export function formatUniqueId(prefix: string, random: Buffer, length = 17): string {
  if (random.length < length) throw new Error('not enough random bytes for a unique id');
  let id = prefix;
  for (let i = 0; i < length; i++) id += BASE32[random[i] & 31];
  return id;
}

export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:${PARTITION}:iam::${accountId}:user${path}${userName}`;
}

export function roleArn(accountId: string, path: string, roleName: string): string {
  return `arn:${PARTITION}:iam::${accountId}:role${path}${roleName}`;
}

export function policyArn(accountId: string, path: string, policyName: string): string {
  return `arn:${PARTITION}:iam::${accountId}:policy${path}${policyName}`;
}

export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:${PARTITION}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** The resource ARN IAM authorizes List* calls against, e.g. arn:aws:iam::111122223333:user/ */
export function collectionArn(accountId: string, kind: 'user' | 'role' | 'policy'): string {
  return `arn:${PARTITION}:iam::${accountId}:${kind}/`;
}

export interface IamArn {
  accountId: string;
  kind: 'user' | 'role' | 'policy';
  path: string;
  name: string;
}

const IAM_ARN = /^arn:aws:iam::(\d{12}|aws):(user|role|policy)(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]+)$/;

/**
 * Parses `arn:aws:iam::ACCOUNT:user|role|policy/PATH/NAME`; the path keeps its
 * slashes ('/' when there is none). `aws` is accepted as the account of
 * AWS-managed policies. Returns undefined for anything else.
 */
export function parseIamArn(arn: string): IamArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (!m) return undefined;
  const [, accountId, kind, path, name] = m;
  if (accountId === 'aws' && kind !== 'policy') return undefined;
  return { accountId, kind: kind as IamArn['kind'], path, name };
}

/** IAM names are unique without regard to case. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

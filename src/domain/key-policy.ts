/**
 * Key policy documents: the default policy KMS generates at CreateKey and a
 * structural check of supplied policies. Pure. (Evaluation lives in policy/.)
 */
import { err } from './errors.js';
import { accountRootArn } from './key-ids.js';

export const DEFAULT_POLICY_NAME = 'default';

/** The policy KMS attaches when CreateKey names none, formatted as KMS returns it. */
export function defaultKeyPolicy(accountId: string): string {
  return [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "${accountRootArn(accountId)}"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/** Throws MalformedPolicyDocumentException naming the first structural problem. */
export function checkKeyPolicyDocument(text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw err.malformedPolicy('The policy is not valid JSON.');
  }
  if (!isObject(doc)) throw err.malformedPolicy('The policy must be a JSON object.');
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    throw err.malformedPolicy(`The policy document has an invalid Version: ${String(doc.Version)}`);
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? undefined : [doc.Statement];
  if (!statements || statements.length === 0) throw err.malformedPolicy('The policy must contain at least one Statement.');
  for (const s of statements) {
    if (!isObject(s)) throw err.malformedPolicy('Each Statement must be a JSON object.');
    for (const k of Object.keys(s)) {
      if (!STATEMENT_KEYS.has(k)) throw err.malformedPolicy(`Policy statement contains an unsupported element: ${k}`);
    }
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw err.malformedPolicy('Policy statement Effect must be Allow or Deny.');
    if ((s.Principal === undefined) === (s.NotPrincipal === undefined)) {
      throw err.malformedPolicy('Policy contains a statement with no principal or with both Principal and NotPrincipal.');
    }
    if ((s.Action === undefined) === (s.NotAction === undefined)) {
      throw err.malformedPolicy('Policy statement must contain exactly one of Action or NotAction.');
    }
    if (s.Resource !== undefined && s.NotResource !== undefined) {
      throw err.malformedPolicy('Policy statement must not contain both Resource and NotResource.');
    }
    if (s.Condition !== undefined && !isObject(s.Condition)) throw err.malformedPolicy('Policy statement Condition must be an object.');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The default key policy KMS generates at CreateKey. Pure. (Parsing and
 * evaluation of policies live in policy/.)
 */
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

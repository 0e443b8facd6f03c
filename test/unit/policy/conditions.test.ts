import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { RequestContext } from '../../../src/policy/index.js';
import { holds } from './fixtures.js';

type Case = [name: string, condition: object, context: RequestContext, expected: boolean];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [name, condition, context, expected] of cases) {
      it(`${name} -> ${expected}`, () => {
        assert.equal(holds(condition, context), expected);
      });
    }
  });
}

const DEPT = 'kms:EncryptionContext:Department';

table('String operators', [
  ['StringEquals exact', { StringEquals: { [DEPT]: 'IT' } }, { [DEPT]: 'IT' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { [DEPT]: 'IT' } }, { [DEPT]: 'it' }, false],
  ['StringEquals has no wildcards', { StringEquals: { [DEPT]: 'I*' } }, { [DEPT]: 'IT' }, false],
  ['StringEquals values are ORed', { StringEquals: { [DEPT]: ['HR', 'IT'] } }, { [DEPT]: 'IT' }, true],
  ['StringEquals none of the values', { StringEquals: { [DEPT]: ['HR', 'Sales'] } }, { [DEPT]: 'IT' }, false],
  ['StringEquals on a missing key', { StringEquals: { [DEPT]: 'IT' } }, {}, false],
  ['StringEquals key name is case-insensitive', { StringEquals: { 'KMS:encryptioncontext:DEPARTMENT': 'IT' } }, { [DEPT]: 'IT' }, true],
  ['StringEquals context key name is case-insensitive', { StringEquals: { [DEPT]: 'IT' } }, { 'kms:ENCRYPTIONCONTEXT:department': 'IT' }, true],
  ['StringEquals against a number value', { StringEquals: { 'kms:X': '42' } }, { 'kms:X': 42 }, true],
  ['StringEquals against a boolean value', { StringEquals: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true }, true],
  ['StringEquals with a numeric policy value', { StringEquals: { 'kms:X': 42 } }, { 'kms:X': '42' }, true],
  ['StringNotEquals different value', { StringNotEquals: { [DEPT]: 'IT' } }, { [DEPT]: 'HR' }, true],
  ['StringNotEquals same value', { StringNotEquals: { [DEPT]: 'IT' } }, { [DEPT]: 'IT' }, false],
  ['StringNotEquals one of several values', { StringNotEquals: { [DEPT]: ['HR', 'IT'] } }, { [DEPT]: 'IT' }, false],
  ['StringNotEquals on a missing key is true', { StringNotEquals: { [DEPT]: 'IT' } }, {}, true],
  ['StringNotEquals is case-sensitive', { StringNotEquals: { [DEPT]: 'IT' } }, { [DEPT]: 'it' }, true],
  ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { [DEPT]: 'it' } }, { [DEPT]: 'It' }, true],
  ['StringEqualsIgnoreCase different value', { StringEqualsIgnoreCase: { [DEPT]: 'it' } }, { [DEPT]: 'HR' }, false],
  ['StringNotEqualsIgnoreCase same up to case', { StringNotEqualsIgnoreCase: { [DEPT]: 'IT' } }, { [DEPT]: 'it' }, false],
  ['StringNotEqualsIgnoreCase different value', { StringNotEqualsIgnoreCase: { [DEPT]: 'IT' } }, { [DEPT]: 'HR' }, true],
  ['StringNotEqualsIgnoreCase on a missing key', { StringNotEqualsIgnoreCase: { [DEPT]: 'IT' } }, {}, true],
  ['StringLike with *', { StringLike: { [DEPT]: 'Fin*' } }, { [DEPT]: 'Finance' }, true],
  ['StringLike with ?', { StringLike: { [DEPT]: 'I?' } }, { [DEPT]: 'IT' }, true],
  ['StringLike ? needs exactly one character', { StringLike: { [DEPT]: 'I?' } }, { [DEPT]: 'ITX' }, false],
  ['StringLike * matches the empty string', { StringLike: { [DEPT]: 'IT*' } }, { [DEPT]: 'IT' }, true],
  ['StringLike is case-sensitive', { StringLike: { [DEPT]: 'fin*' } }, { [DEPT]: 'Finance' }, false],
  ['StringLike middle wildcard', { StringLike: { 'kms:X': 'a*b*c' } }, { 'kms:X': 'aXXbYYc' }, true],
  ['StringLike middle wildcard miss', { StringLike: { 'kms:X': 'a*b*c' } }, { 'kms:X': 'aXXcYYb' }, false],
  ['StringLike on a missing key', { StringLike: { [DEPT]: '*' } }, {}, false],
  ['StringNotLike match', { StringNotLike: { [DEPT]: 'Fin*' } }, { [DEPT]: 'Finance' }, false],
  ['StringNotLike no match', { StringNotLike: { [DEPT]: 'Fin*' } }, { [DEPT]: 'IT' }, true],
  ['StringNotLike on a missing key is true', { StringNotLike: { [DEPT]: 'Fin*' } }, {}, true],
]);

table('Numeric operators', [
  ['NumericEquals', { NumericEquals: { 'kms:N': '10' } }, { 'kms:N': 10 }, true],
  ['NumericEquals 10 = 10.0', { NumericEquals: { 'kms:N': '10.0' } }, { 'kms:N': '10' }, true],
  ['NumericEquals different', { NumericEquals: { 'kms:N': '10' } }, { 'kms:N': 11 }, false],
  ['NumericNotEquals different', { NumericNotEquals: { 'kms:N': '10' } }, { 'kms:N': 11 }, true],
  ['NumericNotEquals same', { NumericNotEquals: { 'kms:N': 10 } }, { 'kms:N': 10 }, false],
  ['NumericNotEquals on a missing key', { NumericNotEquals: { 'kms:N': 10 } }, {}, true],
  ['NumericLessThan below', { NumericLessThan: { 'kms:N': '10' } }, { 'kms:N': 9 }, true],
  ['NumericLessThan equal', { NumericLessThan: { 'kms:N': '10' } }, { 'kms:N': 10 }, false],
  ['NumericLessThanEquals equal', { NumericLessThanEquals: { 'kms:N': '10' } }, { 'kms:N': 10 }, true],
  ['NumericLessThanEquals above', { NumericLessThanEquals: { 'kms:N': '10' } }, { 'kms:N': 10.5 }, false],
  ['NumericGreaterThan above', { NumericGreaterThan: { 'kms:N': '-1' } }, { 'kms:N': '0' }, true],
  ['NumericGreaterThan equal', { NumericGreaterThan: { 'kms:N': '7' } }, { 'kms:N': 7 }, false],
  ['NumericGreaterThanEquals equal', { NumericGreaterThanEquals: { 'kms:N': '7' } }, { 'kms:N': 7 }, true],
  ['NumericGreaterThanEquals below', { NumericGreaterThanEquals: { 'kms:N': '7' } }, { 'kms:N': 6.99 }, false],
  ['Numeric on a missing key', { NumericLessThan: { 'kms:N': '10' } }, {}, false],
  ['Numeric with a request value that is not a number', { NumericLessThan: { 'kms:N': '10' } }, { 'kms:N': 'five' }, false],
  ['NumericNotEquals with a request value that is not a number', { NumericNotEquals: { 'kms:N': '10' } }, { 'kms:N': 'five' }, false],
]);

const ISO_NOON = '2025-06-01T12:00:00Z';
const EPOCH_NOON = 1748779200; // 2025-06-01T12:00:00Z

table('Date operators (ISO 8601 and epoch seconds)', [
  ['DateEquals ISO vs ISO', { DateEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateEquals ISO vs epoch number', { DateEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': EPOCH_NOON }, true],
  ['DateEquals epoch policy value vs ISO', { DateEquals: { 'aws:CurrentTime': String(EPOCH_NOON) } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateEquals with an offset', { DateEquals: { 'aws:CurrentTime': '2025-06-01T14:00:00+02:00' } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateEquals one second apart', { DateEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': '2025-06-01T12:00:01Z' }, false],
  ['DateNotEquals different', { DateNotEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': '2025-06-02T00:00:00Z' }, true],
  ['DateNotEquals same', { DateNotEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': EPOCH_NOON }, false],
  ['DateLessThan before', { DateLessThan: { 'aws:CurrentTime': '2025-12-31T23:59:59Z' } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateLessThan after', { DateLessThan: { 'aws:CurrentTime': '2025-01-01' } }, { 'aws:CurrentTime': ISO_NOON }, false],
  ['DateLessThan equal', { DateLessThan: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': ISO_NOON }, false],
  ['DateLessThanEquals equal', { DateLessThanEquals: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateGreaterThan date-only is midnight UTC', { DateGreaterThan: { 'aws:CurrentTime': '2025-06-01' } }, { 'aws:CurrentTime': ISO_NOON }, true],
  ['DateGreaterThan epoch', { DateGreaterThan: { 'aws:EpochTime': String(EPOCH_NOON) } }, { 'aws:EpochTime': EPOCH_NOON - 1 }, false],
  ['DateGreaterThanEquals equal epoch', { DateGreaterThanEquals: { 'aws:EpochTime': EPOCH_NOON } }, { 'aws:EpochTime': EPOCH_NOON }, true],
  ['Date with milliseconds', { DateGreaterThan: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': '2025-06-01T12:00:00.001Z' }, true],
  ['Date on a missing key', { DateLessThan: { 'aws:CurrentTime': ISO_NOON } }, {}, false],
  ['Date with an unparsable request value', { DateLessThan: { 'aws:CurrentTime': ISO_NOON } }, { 'aws:CurrentTime': 'yesterday' }, false],
]);

const B64_A = Buffer.from('hello').toString('base64');
const B64_B = Buffer.from('world').toString('base64');

table('Bool and BinaryEquals', [
  ['Bool true vs boolean true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': true }, true],
  ['Bool true vs boolean false', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': false }, false],
  ['Bool false vs string false', { Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' }, true],
  ['Bool is case-insensitive in its values', { Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': 'True' }, true],
  ['Bool on a missing key', { Bool: { 'aws:SecureTransport': 'false' } }, {}, false],
  ['Bool with a non-boolean request value', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'yes' }, false],
  ['BinaryEquals same bytes', { BinaryEquals: { 'kms:Bin': B64_A } }, { 'kms:Bin': B64_A }, true],
  ['BinaryEquals different bytes', { BinaryEquals: { 'kms:Bin': B64_A } }, { 'kms:Bin': B64_B }, false],
  ['BinaryEquals any of several', { BinaryEquals: { 'kms:Bin': [B64_B, B64_A] } }, { 'kms:Bin': B64_A }, true],
  ['BinaryEquals on a missing key', { BinaryEquals: { 'kms:Bin': B64_A } }, {}, false],
]);

table('IpAddress and NotIpAddress', [
  ['IPv4 inside /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.77' }, true],
  ['IPv4 outside /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.114.1' }, false],
  ['IPv4 single address without prefix', { IpAddress: { 'aws:SourceIp': '192.0.2.5' } }, { 'aws:SourceIp': '192.0.2.5' }, true],
  ['IPv4 single address, other host', { IpAddress: { 'aws:SourceIp': '192.0.2.5' } }, { 'aws:SourceIp': '192.0.2.6' }, false],
  ['IPv4 /0 matches everything IPv4', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '8.8.8.8' }, true],
  ['IPv4 block with host bits set', { IpAddress: { 'aws:SourceIp': '10.1.2.3/8' } }, { 'aws:SourceIp': '10.200.0.1' }, true],
  ['IPv4 /31 boundary', { IpAddress: { 'aws:SourceIp': '10.0.0.2/31' } }, { 'aws:SourceIp': '10.0.0.4' }, false],
  ['IPv4 any of several blocks', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '192.168.4.4' }, true],
  ['IPv6 inside /64', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }, true],
  ['IPv6 outside /64', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5679::1' }, false],
  ['IPv6 full form vs compressed', { IpAddress: { 'aws:SourceIp': '2001:0db8:0000:0000:0000:0000:0000:0001/128' } }, { 'aws:SourceIp': '2001:db8::1' }, true],
  ['IPv6 block does not match IPv4 address', { IpAddress: { 'aws:SourceIp': '::/0' } }, { 'aws:SourceIp': '10.0.0.1' }, false],
  ['IPv4-mapped IPv6 address matches an IPv4 block', { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, { 'aws:SourceIp': '::ffff:198.51.100.9' }, true],
  ['NotIpAddress outside', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.1' }, true],
  ['NotIpAddress inside', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.1' }, false],
  ['NotIpAddress IPv6 inside', { NotIpAddress: { 'aws:SourceIp': 'fd00::/8' } }, { 'aws:SourceIp': 'fd12::1' }, false],
  ['NotIpAddress on a missing key is true', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, true],
  ['IpAddress on a missing key', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, {}, false],
  ['IpAddress with a request value that is not an address', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': 'localhost' }, false],
]);

const ROLE_ARN = 'arn:aws:iam::111122223333:role/Admin';

table('Arn operators (per-segment matching)', [
  ['ArnEquals exact', { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } }, { 'aws:PrincipalArn': ROLE_ARN }, true],
  ['ArnEquals different role', { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other' }, false],
  ['ArnEquals accepts wildcards like ArnLike', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } }, { 'aws:PrincipalArn': ROLE_ARN }, true],
  ['ArnLike account wildcard', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/x/y' }, true],
  ['ArnLike pattern with fewer than six segments', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*' } }, { 'aws:SourceArn': 'arn:aws:s3:::bucket' }, false],
  ['ArnLike * does not cross a segment', { ArnLike: { 'aws:SourceArn': 'arn:*:kms:us-east-1:111122223333:key/k' } }, { 'aws:SourceArn': 'arn:aws:extra:kms:us-east-1:111122223333:key/k' }, false],
  ['ArnLike empty segments', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket/*' } }, { 'aws:SourceArn': 'arn:aws:s3:::bucket/a/b' }, true],
  ['ArnLike resource segment keeps its colons', { ArnLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:111122223333:log-group:*' } }, { 'aws:SourceArn': 'arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x' }, true],
  ['ArnLike service segment mismatch', { ArnLike: { 'aws:SourceArn': 'arn:aws:sqs:*:*:*' } }, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic' }, false],
  ['ArnLike is case-sensitive', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } }, { 'aws:PrincipalArn': ROLE_ARN }, false],
  ['ArnLike with ? in the region', { ArnLike: { 'aws:SourceArn': 'arn:aws:kms:us-east-?:111122223333:key/*' } }, { 'aws:SourceArn': 'arn:aws:kms:us-east-2:111122223333:key/k' }, true],
  ['ArnLike request value that is not an ARN', { ArnLike: { 'aws:SourceArn': 'arn:aws:*:*:*:*' } }, { 'aws:SourceArn': 'not-an-arn' }, false],
  ['ArnNotEquals different', { ArnNotEquals: { 'aws:PrincipalArn': ROLE_ARN } }, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other' }, true],
  ['ArnNotEquals same', { ArnNotEquals: { 'aws:PrincipalArn': ROLE_ARN } }, { 'aws:PrincipalArn': ROLE_ARN }, false],
  ['ArnNotLike matching', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, { 'aws:PrincipalArn': ROLE_ARN }, false],
  ['ArnNotLike on a missing key is true', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, {}, true],
]);

table('Null', [
  ['Null true on a missing key', { Null: { 'aws:TokenIssueTime': 'true' } }, {}, true],
  ['Null true on a present key', { Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2025-01-01T00:00:00Z' }, false],
  ['Null false on a present key', { Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2025-01-01T00:00:00Z' }, true],
  ['Null false on a missing key', { Null: { 'aws:TokenIssueTime': 'false' } }, {}, false],
  ['Null true on an empty multivalued key', { Null: { 'kms:EncryptionContextKeys': 'true' } }, { 'kms:EncryptionContextKeys': [] }, true],
  ['Null with a boolean policy value', { Null: { 'kms:X': false } }, { 'kms:X': 'v' }, true],
]);

table('...IfExists', [
  ['StringEqualsIfExists on a missing key is true', { StringEqualsIfExists: { [DEPT]: 'IT' } }, {}, true],
  ['StringEqualsIfExists on a present, matching key', { StringEqualsIfExists: { [DEPT]: 'IT' } }, { [DEPT]: 'IT' }, true],
  ['StringEqualsIfExists on a present, other key', { StringEqualsIfExists: { [DEPT]: 'IT' } }, { [DEPT]: 'HR' }, false],
  ['StringNotEqualsIfExists present and equal', { StringNotEqualsIfExists: { [DEPT]: 'IT' } }, { [DEPT]: 'IT' }, false],
  ['NumericLessThanIfExists missing', { NumericLessThanIfExists: { 'kms:N': 1 } }, {}, true],
  ['NumericLessThanIfExists present and too large', { NumericLessThanIfExists: { 'kms:N': 1 } }, { 'kms:N': 5 }, false],
  ['DateLessThanIfExists missing', { DateLessThanIfExists: { 'aws:CurrentTime': ISO_NOON } }, {}, true],
  ['BoolIfExists missing', { BoolIfExists: { 'aws:SecureTransport': 'true' } }, {}, true],
  ['BoolIfExists present false', { BoolIfExists: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': false }, false],
  ['IpAddressIfExists missing', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, true],
  ['IpAddressIfExists present outside', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '11.0.0.1' }, false],
  ['ArnLikeIfExists missing', { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::b' } }, {}, true],
  ['BinaryEqualsIfExists missing', { BinaryEqualsIfExists: { 'kms:Bin': B64_A } }, {}, true],
  ['ForAnyValue:StringEqualsIfExists on a missing key is true', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' } }, {}, true],
]);

table('ForAnyValue / ForAllValues over multivalued keys', [
  ['ForAnyValue one value matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['DataClass', 'Owner'] } }, { 'aws:TagKeys': ['DataClass', 'Dept'] }, true],
  ['ForAnyValue no value matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['DataClass', 'Owner'] } }, { 'aws:TagKeys': ['Dept', 'SIC'] }, false],
  ['ForAnyValue on a missing key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'Owner' } }, {}, false],
  ['ForAnyValue on an empty set is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'Owner' } }, { 'aws:TagKeys': [] }, false],
  ['ForAnyValue with a negated operator: one value outside', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'c'] }, true],
  ['ForAnyValue with a negated operator: all inside', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'b'] }, false],
  ['ForAnyValue:StringNotEquals on a missing key is false', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'a' } }, {}, false],
  ['ForAnyValue:StringLike', { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'Proj*' } }, { 'aws:TagKeys': ['Owner', 'Project'] }, true],
  ['ForAnyValue over a single-valued key', { 'ForAnyValue:StringEquals': { [DEPT]: ['IT', 'HR'] } }, { [DEPT]: 'HR' }, true],
  ['ForAllValues every value allowed', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'] } }, { 'kms:EncryptionContextKeys': ['Project'] }, true],
  ['ForAllValues one value not allowed', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'] } }, { 'kms:EncryptionContextKeys': ['Project', 'Other'] }, false],
  ['ForAllValues on a missing key is true', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': 'Department' } }, {}, true],
  ['ForAllValues on an empty set is true', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': 'Department' } }, { 'kms:EncryptionContextKeys': [] }, true],
  ['ForAllValues:StringNotEquals none listed', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret', 'internal'] } }, { 'aws:TagKeys': ['a', 'b'] }, true],
  ['ForAllValues:StringNotEquals one listed', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret', 'internal'] } }, { 'aws:TagKeys': ['a', 'secret'] }, false],
  ['ForAllValues:StringLike every value has the prefix', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'key1*' } }, { 'aws:TagKeys': ['key1a', 'key1b'] }, true],
  ['ForAllValues:StringLike one value lacks the prefix', { 'ForAllValues:StringLike': { 'aws:TagKeys': 'key1*' } }, { 'aws:TagKeys': ['key1a', 'key2b'] }, false],
  ['ForAllValues:StringEqualsIgnoreCase', { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': ['owner'] } }, { 'aws:TagKeys': ['OWNER', 'Owner'] }, true],
  ['ForAllValues + Null false closes the missing-key gap', { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'a' }, Null: { 'aws:TagKeys': 'false' } }, {}, false],
  ['ForAllValues:ArnLike', { 'ForAllValues:ArnLike': { 'kms:Arns': 'arn:aws:iam::111122223333:*' } }, { 'kms:Arns': ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:user/b'] }, true],
  ['No qualifier, multivalued, positive: any value matches', { StringEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': ['b', 'a'] }, true],
  ['No qualifier, multivalued, negated: one value equal fails', { StringNotEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': ['b', 'a'] }, false],
  ['No qualifier, empty set counts as missing for a negated operator', { StringNotEquals: { 'aws:TagKeys': 'a' } }, { 'aws:TagKeys': [] }, true],
]);

table('Combining keys and operators', [
  ['two keys in one operator: both hold', { StringEquals: { [DEPT]: 'IT', 'kms:EncryptionContext:Project': 'X' } }, { [DEPT]: 'IT', 'kms:EncryptionContext:Project': 'X' }, true],
  ['two keys in one operator: one fails', { StringEquals: { [DEPT]: 'IT', 'kms:EncryptionContext:Project': 'X' } }, { [DEPT]: 'IT', 'kms:EncryptionContext:Project': 'Y' }, false],
  ['two operators: both hold', { StringEquals: { [DEPT]: 'IT' }, Bool: { 'aws:SecureTransport': 'true' } }, { [DEPT]: 'IT', 'aws:SecureTransport': true }, true],
  ['two operators: one fails', { StringEquals: { [DEPT]: 'IT' }, Bool: { 'aws:SecureTransport': 'true' } }, { [DEPT]: 'IT', 'aws:SecureTransport': false }, false],
  ['an empty Condition block holds', {}, {}, true],
]);

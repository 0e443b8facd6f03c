/** Shared by the audit tests: callers, a root key, scratch trails, events. */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAuditEvent } from '../../../src/audit/build.js';
import type { AuditCaller, AuditEvent, AuditRequest } from '../../../src/audit/event.js';
import { LocalRootKey } from '../../../src/adapters/rootkey/local-root-key.js';
import { endOfEvents } from '../../../src/adapters/audit/trail-files.js';

/** Repository root: this file is dist/test/unit/audit/helpers.js once compiled. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** An AWS reference file, as data only (test/fixtures/aws-reference, made by scripts/gen-test-fixtures.mjs). */
export function readReference(name: string): string {
  return readFileSync(resolve(REPO_ROOT, 'test/fixtures/aws-reference', name), 'utf8');
}

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-west-2';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const KEY_ID_2 = '0987dcba-09fe-87dc-65ba-ab0987654321';
export const KEY_ARN_2 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID_2}`;
export const MATERIAL_ID = '123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0';

export const alice: AuditCaller = {
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
  principalType: 'IAMUser',
  accessKeyId: 'AKIAALICEEXAMPLE0001',
  userId: 'AIDAJ45Q7YFFAREXAMPLE',
  userName: 'Alice',
};

export const root: AuditCaller = {
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  principalType: 'Root',
  accessKeyId: 'AKIAROOTEXAMPLE00001',
  userId: ACCOUNT,
};

export const session: AuditCaller = {
  accountId: ACCOUNT,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-42`,
  principalType: 'AssumedRole',
  accessKeyId: 'ASIASESSIONEXAMPLE01',
  userId: 'AROAIDPPEZS35WEXAMPLE:build-42',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`,
  roleName: 'Deployer',
  sessionName: 'build-42',
};

export const T0 = Date.UTC(2026, 10, 23, 14, 0, 0);

export function request(overrides: Partial<AuditRequest> & Pick<AuditRequest, 'operation'>): AuditRequest {
  return {
    service: 'kms',
    caller: alice,
    region: REGION,
    sourceIp: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0 Python/3.11',
    requestId: 'f3423043-63bc-11e4-bc2b-4198b6150d5c',
    time: T0,
    ...overrides,
  };
}

export function event(overrides: Partial<AuditRequest> & Pick<AuditRequest, 'operation'>): AuditEvent {
  return buildAuditEvent(request({ eventId: randomUUID(), ...overrides }));
}

export function testRootKey(): LocalRootKey {
  return new LocalRootKey(randomBytes(32), 'test');
}

export class ScratchDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'trent-audit-'));
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Writes `text` where the events of a log file end (before the zeros written ahead of them), as a write cut short leaves it. */
export function writeAtEventsEnd(path: string, text: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, text, endOfEvents(readFileSync(path)));
  } finally {
    closeSync(fd);
  }
}

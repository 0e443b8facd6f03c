/**
 * Builds CloudTrail records from neutral descriptions of requests (API calls,
 * allowed, denied or failed) and of the service's own actions (scheduler
 * events). Pure apart from the random event id drawn when none is given.
 *
 * Redaction is by allow-list per operation (kms-fields.ts,
 * iam-sts-fields.ts): a member not listed is not recorded, an operation not
 * listed records null requestParameters and responseElements.
 */
import { randomUUID } from 'node:crypto';
import {
  AWS_INTERNAL,
  EVENT_SOURCES,
  EVENT_VERSION,
  GLOBAL_SERVICE_REGION,
  type AuditCaller,
  type AuditEvent,
  type AuditRequest,
  type AuditService,
  type EventResource,
  type JsonObject,
  type ServiceEventRequest,
  type UserIdentity,
} from './event.js';
import { CLOUDTRAIL_OPERATIONS, IAM_OPERATIONS, STS_OPERATIONS } from './iam-sts-fields.js';
import { KMS_OPERATIONS, type OperationSpec } from './kms-fields.js';
import { applySpec } from './redact.js';

const SPECS: Readonly<Record<AuditService, Readonly<Record<string, OperationSpec>>>> = {
  kms: KMS_OPERATIONS,
  iam: IAM_OPERATIONS,
  sts: STS_OPERATIONS,
  cloudtrail: CLOUDTRAIL_OPERATIONS,
};

/** Longest errorMessage recorded; longer ones are cut (with "..."). */
export const MAX_ERROR_MESSAGE = 2048;

/** The operation's recording rules, or undefined for an operation CloudTrail records nothing of. */
export function operationSpec(service: AuditService, operation: string): OperationSpec | undefined {
  const table = SPECS[service];
  return Object.prototype.hasOwnProperty.call(table, operation) ? table[operation] : undefined;
}

/** readOnly as CloudTrail marks it; for an operation without a spec, by its verb. */
export function isReadOnly(service: AuditService, operation: string): boolean {
  const spec = operationSpec(service, operation);
  if (spec) return spec.readOnly;
  return /^(Get|List|Describe|Lookup)/.test(operation);
}

let lastSecond = NaN;
let lastText = '';

/** CloudTrail's eventTime: ISO 8601 UTC to the second (the last one rendered is remembered: most events share it). */
export function eventTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

export function userIdentityOf(
  caller: AuditCaller,
  session?: { credential?: 'long-term' | 'session'; issuedAt?: number; mfaAuthenticated?: boolean },
): UserIdentity {
  const base: UserIdentity = {
    type: caller.principalType,
    principalId: caller.userId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
  };
  const temporary = caller.principalType === 'AssumedRole' || session?.credential === 'session';
  const attributes = {
    ...(session?.issuedAt !== undefined ? { creationDate: eventTime(session.issuedAt) } : {}),
    mfaAuthenticated: (session?.mfaAuthenticated ? 'true' : 'false') as 'true' | 'false',
  };
  if (caller.principalType === 'IAMUser' && caller.userName !== undefined) base.userName = caller.userName;
  if (caller.principalType === 'AssumedRole') {
    const roleId = caller.userId.includes(':') ? caller.userId.slice(0, caller.userId.indexOf(':')) : caller.userId;
    base.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: caller.roleArn ?? '',
        accountId: caller.accountId,
        userName: caller.roleName ?? '',
      },
      attributes,
    };
  } else if (temporary && session?.issuedAt !== undefined) {
    base.sessionContext = { attributes };
  }
  return base;
}

/**
 * The service, account and resource of an ARN (arn:partition:service:region:account:resource),
 * as split(':') would give them: each undefined when the ARN has too few parts.
 */
function arnFields(arn: string): { service?: string; account?: string; resource?: string } {
  const c1 = arn.indexOf(':');
  const c2 = c1 < 0 ? -1 : arn.indexOf(':', c1 + 1);
  if (c2 < 0) return {};
  const c3 = arn.indexOf(':', c2 + 1);
  if (c3 < 0) return { service: arn.slice(c2 + 1) };
  const service = arn.slice(c2 + 1, c3);
  const c4 = arn.indexOf(':', c3 + 1);
  const c5 = c4 < 0 ? -1 : arn.indexOf(':', c4 + 1);
  if (c5 < 0) return { service };
  return { service, account: arn.slice(c4 + 1, c5), resource: arn.slice(c5 + 1) };
}

const ACCOUNT_ID = /^\d{12}$/;

function accountOfArn(arn: string): string | undefined {
  const { account } = arnFields(arn);
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/** CloudTrail's resource type for an ARN Trent knows. */
export function resourceTypeOf(arn: string): string {
  const { service, resource = '' } = arnFields(arn);
  if (service === 'kms') return resource.startsWith('alias/') ? 'AWS::KMS::Alias' : 'AWS::KMS::Key';
  if (service === 'iam') {
    if (resource.startsWith('role/')) return 'AWS::IAM::Role';
    if (resource.startsWith('user/')) return 'AWS::IAM::User';
    if (resource.startsWith('policy/')) return 'AWS::IAM::Policy';
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) return 'AWS::STS::AssumedRole';
  return 'AWS::Unknown';
}

function resourcesOf(arns: readonly string[]): EventResource[] {
  const seen = new Set<string>();
  const out: EventResource[] = [];
  for (const arn of arns) {
    if (seen.has(arn)) continue;
    seen.add(arn);
    out.push({ accountId: accountOfArn(arn) ?? '', type: resourceTypeOf(arn), ARN: arn });
  }
  return out;
}

function cut(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : message.slice(0, MAX_ERROR_MESSAGE - 3) + '...';
}

/** CloudTrail's errorCode: KMS's AccessDeniedException is recorded as AccessDenied. */
export function errorCodeOf(service: AuditService, code: string): string {
  if (code === 'AccessDeniedException' && service === 'kms') return 'AccessDenied';
  return code;
}

function requestParametersOf(req: AuditRequest, spec: OperationSpec | undefined): JsonObject | null {
  if (!spec) return null;
  const input = req.input ?? {};
  const params = applySpec(spec.request, input);
  if (req.service === 'kms') {
    const output = req.output ?? {};
    if (req.operation === 'Decrypt') {
      // Always recorded, even when the request named neither (KMS Developer Guide, "Decrypt").
      const keyId = params.keyId ?? (typeof output.KeyId === 'string' ? output.KeyId : req.keyArns?.[0]);
      if (keyId !== undefined) params.keyId = keyId;
      params.encryptionAlgorithm =
        params.encryptionAlgorithm ?? (typeof output.EncryptionAlgorithm === 'string' ? output.EncryptionAlgorithm : 'SYMMETRIC_DEFAULT');
    } else if (req.operation === 'Encrypt') {
      params.encryptionAlgorithm = params.encryptionAlgorithm ?? 'SYMMETRIC_DEFAULT';
    }
  }
  return Object.keys(params).length === 0 && Object.keys(input).length === 0 ? null : params;
}

function responseElementsOf(req: AuditRequest, spec: OperationSpec | undefined): JsonObject | null {
  if (!spec || req.error || spec.response === null) return null;
  const elements: JsonObject = {};
  if (spec.responseKeyArn && req.keyArns?.[0] !== undefined) elements.keyId = req.keyArns[0];
  Object.assign(elements, applySpec(spec.response, req.output ?? {}));
  return Object.keys(elements).length === 0 ? null : elements;
}

function additionalEventDataOf(req: AuditRequest): { additionalEventData?: JsonObject } {
  if (req.keyMaterialId === undefined && req.additionalEventData === undefined) return {};
  return { additionalEventData: { ...(req.keyMaterialId !== undefined ? { keyMaterialId: req.keyMaterialId } : {}), ...req.additionalEventData } };
}

/** The CloudTrail record of one API request. */
export function buildAuditEvent(req: AuditRequest): AuditEvent {
  const spec = operationSpec(req.service, req.operation);
  const keyArns = req.keyArns ?? [];
  const resources = resourcesOf([...keyArns, ...(req.resourceArns ?? [])]);
  const recipient = req.recipientAccountId ?? (keyArns.length > 0 ? accountOfArn(keyArns[0]) : undefined) ?? req.caller.accountId;
  const event: AuditEvent = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(req.caller, {
      credential: req.credential,
      issuedAt: req.sessionIssuedAt,
      mfaAuthenticated: req.mfaAuthenticated,
    }),
    eventTime: eventTime(req.time),
    eventSource: EVENT_SOURCES[req.service],
    eventName: req.operation,
    awsRegion: req.service === 'iam' ? GLOBAL_SERVICE_REGION : req.region,
    sourceIPAddress: req.sourceIp,
    userAgent: req.userAgent,
    ...(req.error ? { errorCode: errorCodeOf(req.service, req.error.code), errorMessage: cut(req.error.message) } : {}),
    requestParameters: requestParametersOf(req, spec),
    responseElements: responseElementsOf(req, spec),
    ...additionalEventDataOf(req),
    requestID: req.requestId,
    eventID: req.eventId ?? randomUUID(),
    readOnly: isReadOnly(req.service, req.operation),
    ...(resources.length > 0 ? { resources } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: recipient,
    eventCategory: 'Management',
    ...(req.tls ? { tlsDetails: { ...req.tls } } : {}),
  };
  return event;
}

/**
 * The CloudTrail record of an action the service took by itself (automatic
 * rotation, deletion at the end of the waiting period, expiry of imported
 * material): eventType AwsServiceEvent, caller "AWS Internal", no request id.
 */
export function buildServiceEvent(req: ServiceEventRequest): AuditEvent {
  const resources = resourcesOf(req.keyArns ?? []);
  const service = req.service ?? 'kms';
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId: req.accountId, invokedBy: AWS_INTERNAL },
    eventTime: eventTime(req.time),
    eventSource: EVENT_SOURCES[service],
    eventName: req.operation,
    awsRegion: req.region,
    sourceIPAddress: AWS_INTERNAL,
    userAgent: AWS_INTERNAL,
    requestParameters: null,
    responseElements: req.responseElements ?? null,
    ...(req.additionalEventData ? { additionalEventData: req.additionalEventData } : {}),
    eventID: req.eventId ?? randomUUID(),
    readOnly: false,
    ...(resources.length > 0 ? { resources } : {}),
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: req.accountId,
    ...(req.serviceEventDetails ? { serviceEventDetails: req.serviceEventDetails } : {}),
    eventCategory: 'Management',
  };
}

/**
 * The audit event: a CloudTrail record, field for field, in CloudTrail's
 * order. Pure types and constants; the builders are in build.ts.
 */

/** CloudTrail's current record format version. */
export const EVENT_VERSION = '1.11';

export type AuditService = 'kms' | 'iam' | 'sts' | 'cloudtrail';

export const EVENT_SOURCES: Readonly<Record<AuditService, string>> = {
  kms: 'kms.amazonaws.com',
  iam: 'iam.amazonaws.com',
  sts: 'sts.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
};

/** CloudTrail records IAM, a global service, in us-east-1. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

/** What service-initiated (scheduler) events show as caller, address and agent. */
export const AWS_INTERNAL = 'AWS Internal';

export interface SessionIssuer {
  type: 'Role';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer;
  /** creationDate is omitted when the pipeline does not know when the session was issued. */
  attributes: { creationDate?: string; mfaAuthenticated: 'true' | 'false' };
}

export interface UserIdentity {
  /** Absent for KMS's own service events, which show only accountId and invokedBy. */
  type?: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: SessionContext;
  invokedBy?: string;
}

export interface EventResource {
  accountId: string;
  type: string;
  ARN: string;
}

export interface TlsDetails {
  tlsVersion: string;
  cipherSuite: string;
  clientProvidedHostHeader: string;
}

export type JsonObject = { [k: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** One CloudTrail record. Optional fields are omitted, not null, when they do not apply. */
export interface AuditEvent {
  eventVersion: string;
  userIdentity: UserIdentity;
  /** ISO 8601 UTC to the second: 2026-11-23T14:00:00Z */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  /** Absent for service events. */
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: EventResource[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  serviceEventDetails?: JsonObject;
  eventCategory: 'Management';
  tlsDetails?: TlsDetails;
}

/**
 * The authenticated caller, as the request pipeline knows it. Structurally the
 * `Caller` of src/operations/context.ts, so one can be passed as the other.
 */
export interface AuditCaller {
  accountId: string;
  arn: string;
  principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  accessKeyId: string;
  userId: string;
  userName?: string;
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
}

/** A neutral description of one API request, allowed, denied or failed. */
export interface AuditRequest {
  service: AuditService;
  /** The API operation, e.g. "Encrypt", "CreateAccessKey", "AssumeRole". */
  operation: string;
  caller: AuditCaller;
  /** The region of the request's credential scope. */
  region: string;
  sourceIp: string;
  userAgent: string;
  requestId: string;
  /** When the request completed, epoch ms. */
  time: number;
  /** The parsed request: the JSON body (KMS) or the decoded query parameters (IAM, STS). */
  input?: Record<string, unknown>;
  /** The response members; absent on failure. */
  output?: Record<string, unknown>;
  /** Present when the request failed or was denied. */
  error?: { code: string; message: string };
  /** Key ARNs the request touched (resources; responseElements.keyId where CloudTrail adds it). */
  keyArns?: readonly string[];
  /** Other resource ARNs (an IAM role for AssumeRole, ...). */
  resourceArns?: readonly string[];
  /** The key material used (additionalEventData.keyMaterialId). */
  keyMaterialId?: string;
  /** Further additionalEventData members (ReEncrypt: sourceKeyMaterialId, destinationKeyMaterialId). */
  additionalEventData?: JsonObject;
  /** Defaults to a random UUID. */
  eventId?: string;
  /** Temporary credentials only: when they were issued (sessionContext.attributes.creationDate). */
  sessionIssuedAt?: number;
  /** Whether the caller used temporary credentials (AssumeRole or GetSessionToken). */
  credential?: 'long-term' | 'session';
  mfaAuthenticated?: boolean;
  tls?: TlsDetails;
  /** Whose trail the event belongs to; defaults to the key owner, else the caller's account. */
  recipientAccountId?: string;
}

/** An action the service takes by itself: automatic rotation, deletion, import expiry. */
export interface ServiceEventRequest {
  /** e.g. "RotateKey", "DeleteKey", "DeleteExpiredKeyMaterial". */
  operation: string;
  service?: AuditService;
  accountId: string;
  region: string;
  time: number;
  keyArns?: readonly string[];
  serviceEventDetails?: JsonObject;
  additionalEventData?: JsonObject;
  responseElements?: JsonObject | null;
  eventId?: string;
}

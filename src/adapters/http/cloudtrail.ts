/**
 * CloudTrail's LookupEvents on Trent's endpoint (AWS JSON 1.1,
 * `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`,
 * SigV4 scope service `cloudtrail`), answered from the audit trail, so
 * `aws cloudtrail lookup-events --endpoint-url ...` works.
 *
 * A caller sees the events of its own account (as caller, as key owner or
 * as resource owner) in the region it signs for, newest first. Authorized by
 * the caller's identity policies (`cloudtrail:LookupEvents` on `*`); an
 * account root always may.
 */
import { KmsError } from '../../domain/errors.js';
import { denyReason, msg } from '../../domain/iam/errors.js';
import type { Deps, RequestContext } from '../../operations/context.js';
import { AuditReader, InvalidTokenError, LOOKUP_ATTRIBUTE_KEYS, filterFromLookup, lookupEventOf } from '../audit/query.js';
import type { QueryContext, QueryDeps } from '../query/context.js';
import { evaluateIdentityPolicies, requestContext } from '../query/authorize.js';

export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
export const CLOUDTRAIL_OPERATIONS: ReadonlySet<string> = new Set(['LookupEvents']);

const ACTION = 'cloudtrail:LookupEvents';
const MAX_ATTRIBUTE_VALUE = 2000;

const invalidAttributes = (message: string) => new KmsError('InvalidLookupAttributesException', message);
const invalidTimeRange = (message: string) => new KmsError('InvalidTimeRangeException', message);

export interface CloudTrailContext extends RequestContext {
  credential: 'long-term' | 'session';
  issuedAt?: number;
}

/** Epoch ms of a JSON-protocol timestamp (epoch seconds; ISO 8601 strings accepted too). */
function timeOf(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799000) throw invalidTimeRange(`${name} is not a valid timestamp.`);
  return ms;
}

function attributesOf(value: unknown): { AttributeKey: string; AttributeValue: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidAttributes('LookupAttributes must be a list.');
  if (value.length > 1) throw invalidAttributes('You can specify only one lookup attribute.');
  return value.map((a) => {
    const key = (a as { AttributeKey?: unknown })?.AttributeKey;
    const val = (a as { AttributeValue?: unknown })?.AttributeValue;
    if (typeof key !== 'string' || !(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
      throw invalidAttributes(`AttributeKey must be one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}.`);
    }
    if (typeof val !== 'string' || val.length === 0 || val.length > MAX_ATTRIBUTE_VALUE) {
      throw invalidAttributes(`AttributeValue must be 1 to ${MAX_ATTRIBUTE_VALUE} characters long.`);
    }
    if (key === 'ReadOnly' && val !== 'true' && val !== 'false') throw invalidAttributes('The value of ReadOnly must be true or false.');
    return { AttributeKey: key, AttributeValue: val };
  });
}

function maxResultsOf(value: unknown): number {
  if (value === undefined || value === null) return 50;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 50) {
    throw new KmsError('InvalidMaxResultsException', 'MaxResults must be an integer between 1 and 50.');
  }
  return value;
}

export class CloudTrailService {
  constructor(
    private readonly reader: AuditReader,
    private readonly deps: Deps,
  ) {}

  async run(operation: string, input: unknown, ctx: CloudTrailContext): Promise<object> {
    if (operation !== 'LookupEvents') throw new KmsError('UnknownOperationException', `Operation ${operation} is not supported.`);
    return this.lookupEvents((input ?? {}) as Record<string, unknown>, ctx);
  }

  private async authorize(ctx: CloudTrailContext): Promise<void> {
    if (ctx.caller.principalType === 'Root') return;
    const qctx: QueryContext = ctx;
    const deps = this.deps as QueryDeps;
    const result = await evaluateIdentityPolicies(qctx, deps, ACTION, '*', requestContext(qctx, this.deps.clock.now()));
    const why = result.denied ? denyReason.explicit : result.allowed === 'none' ? denyReason.implicit(ACTION) : undefined;
    if (why) throw new KmsError('AccessDeniedException', msg.notAuthorized(ctx.caller.arn, ACTION, '*', why));
  }

  private async lookupEvents(input: Record<string, unknown>, ctx: CloudTrailContext): Promise<object> {
    if (typeof input !== 'object' || Array.isArray(input)) throw new KmsError('SerializationException', 'The request body must be a JSON object.');
    const attributes = attributesOf(input.LookupAttributes);
    const startTime = timeOf('StartTime', input.StartTime);
    const endTime = timeOf('EndTime', input.EndTime);
    if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
      throw invalidTimeRange('The start time must be before the end time.');
    }
    const maxResults = maxResultsOf(input.MaxResults);
    const nextToken = input.NextToken;
    if (nextToken !== undefined && (typeof nextToken !== 'string' || nextToken.length === 0)) {
      throw new KmsError('InvalidNextTokenException', 'Invalid NextToken');
    }
    if (input.EventCategory !== undefined && input.EventCategory !== 'insight') {
      throw new KmsError('InvalidEventCategoryException', 'EventCategory must be insight.');
    }
    await this.authorize(ctx);
    // Trent records no Insights events.
    if (input.EventCategory === 'insight') return { Events: [] };
    const filter = filterFromLookup(attributes, {
      accountId: ctx.caller.accountId,
      region: ctx.region,
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
    });
    try {
      const page = await this.reader.page(filter, { maxResults, ...(nextToken !== undefined ? { nextToken } : {}) });
      return { Events: page.events.map(lookupEventOf), ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
    } catch (e) {
      if (e instanceof InvalidTokenError) throw new KmsError('InvalidNextTokenException', e.message);
      throw e;
    }
  }
}

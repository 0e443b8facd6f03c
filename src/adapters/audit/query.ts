/**
 * Reading the trail: events newest first, filtered, with continuation
 * tokens (for `trent audit lookup` and CloudTrail's LookupEvents), and the
 * last use of a key (for KMS GetKeyLastUsage).
 *
 * No index: log files are read newest first, each from its end backwards in
 * chunks (log-lines.ts), and reading stops as soon as the events are older
 * than the time range asked for. The open log file is read too, up to its
 * last complete line. The trails of several writers (one per worker
 * process) are merged newest first by eventTime; a continuation token holds
 * a position in each (lookup-token.ts).
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuditEvent } from '../../audit/event.js';
import { KEY_USAGE_OPERATIONS } from '../../audit/kms-fields.js';
import { listFiles } from './trail-files.js';
import { CHUNK, linesBackward } from './log-lines.js';
import { InvalidTokenError, decodeToken, encodeToken, type Cursor, type Position } from './lookup-token.js';
import { LOGS_DIR, logSeqOf, resolveIn } from './layout.js';

export { InvalidTokenError };

/** Events may reach a log file this long after their eventTime (requests in flight at rotation). */
const TIME_SLACK_MS = 5 * 60 * 1000;

export interface AuditFilter {
  eventId?: string;
  eventName?: string;
  eventSource?: string;
  readOnly?: boolean;
  /** Only failed or denied calls. */
  errorsOnly?: boolean;
  /** Key id, key ARN, alias name or alias ARN: matched against resources and request/response key fields. */
  key?: string;
  /** Principal ARN (a role ARN matches its sessions), access key id, or user name. */
  principal?: string;
  accessKeyId?: string;
  /** LookupEvents' Username: the IAM user name, the role session name, or "root". */
  username?: string;
  resourceType?: string;
  /** A resource ARN (or the key id of a key ARN). */
  resourceName?: string;
  /** Inclusive bounds, epoch ms. */
  startTime?: number;
  endTime?: number;
  /** Events of this account: as caller, as recipient or as resource owner. */
  accountId?: string;
  region?: string;
}

export interface Page {
  events: AuditEvent[];
  nextToken?: string;
}

export interface KeyLastUsage {
  operation: string;
  /** epoch ms */
  time: number;
  eventId: string;
  requestId?: string;
  region: string;
}

// ---- matching --------------------------------------------------------------

const KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:key\/(.+)$/;
const ALIAS_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:(alias\/.+)$/;

function keyIdOf(s: string): string | undefined {
  const m = KEY_ARN.exec(s);
  if (m) return m[1];
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) || /^mrk-[0-9a-f]{32}$/.test(s)) return s;
  return undefined;
}

function aliasOf(s: string): string | undefined {
  if (s.startsWith('alias/')) return s;
  return ALIAS_ARN.exec(s)?.[1];
}

/**
 * Whether an event's key reference `ref` (already qualified: see keyRefsOf)
 * names what the caller asked for: a bare key id or alias name matches that
 * id or alias in any account and region, an ARN only itself.
 */
function sameKeyRef(ref: string, wanted: string): boolean {
  if (ref === wanted) return true;
  if (KEY_ARN.test(wanted) || ALIAS_ARN.test(wanted)) return false;
  const k = keyIdOf(wanted);
  if (k !== undefined) return keyIdOf(ref) === k;
  const a = aliasOf(wanted);
  return a !== undefined && aliasOf(ref) === a;
}

/** Key references of an event, bare ids and alias names qualified with the event's region and account. */
function keyRefsOf(e: AuditEvent): string[] {
  const refs: string[] = [];
  const qualify = (v: string): string => {
    const account = e.recipientAccountId;
    if (v.startsWith('alias/')) return `arn:aws:kms:${e.awsRegion}:${account}:${v}`;
    if (!v.startsWith('arn:') && keyIdOf(v) !== undefined) return `arn:aws:kms:${e.awsRegion}:${account}:key/${v}`;
    return v;
  };
  for (const r of e.resources ?? []) refs.push(r.ARN);
  const rp = e.requestParameters ?? {};
  for (const f of ['keyId', 'targetKeyId', 'sourceKeyId', 'destinationKeyId', 'aliasName']) {
    const v = rp[f];
    if (typeof v === 'string') refs.push(qualify(v));
  }
  const re = e.responseElements ?? {};
  if (typeof re.keyId === 'string') refs.push(qualify(re.keyId));
  const meta = re.keyMetadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta) && typeof meta.arn === 'string') refs.push(meta.arn);
  return refs;
}

/**
 * Text every event a key filter matches contains: the key id (in its ARN or
 * the bare id), or the alias name. Both are written unescaped in JSON.
 */
function keyNeedle(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return keyIdOf(key) ?? aliasOf(key);
}

/** LookupEvents' Username of an event. */
export function usernameOf(e: AuditEvent): string | undefined {
  const u = e.userIdentity;
  if (u.type === 'IAMUser') return u.userName;
  if (u.type === 'AssumedRole' && u.arn) return u.arn.slice(u.arn.lastIndexOf('/') + 1);
  if (u.type === 'Root') return 'root';
  return undefined;
}

export function matches(e: AuditEvent, f: AuditFilter): boolean {
  if (f.eventId !== undefined && e.eventID !== f.eventId) return false;
  if (f.eventName !== undefined && e.eventName !== f.eventName) return false;
  if (f.eventSource !== undefined && e.eventSource !== f.eventSource) return false;
  if (f.readOnly !== undefined && e.readOnly !== f.readOnly) return false;
  if (f.errorsOnly && e.errorCode === undefined) return false;
  if (f.region !== undefined && e.awsRegion !== f.region) return false;
  if (f.startTime !== undefined || f.endTime !== undefined) {
    const t = Date.parse(e.eventTime);
    if (f.startTime !== undefined && t < f.startTime) return false;
    if (f.endTime !== undefined && t > f.endTime) return false;
  }
  const u = e.userIdentity;
  if (f.accountId !== undefined) {
    const ours = e.recipientAccountId === f.accountId || u.accountId === f.accountId || (e.resources ?? []).some((r) => r.accountId === f.accountId);
    if (!ours) return false;
  }
  if (f.accessKeyId !== undefined && u.accessKeyId !== f.accessKeyId) return false;
  if (f.username !== undefined && usernameOf(e) !== f.username) return false;
  if (f.principal !== undefined) {
    const p = f.principal;
    const hit =
      u.arn === p ||
      u.accessKeyId === p ||
      u.principalId === p ||
      (u.userName !== undefined && u.userName === p) ||
      u.sessionContext?.sessionIssuer?.arn === p;
    if (!hit) return false;
  }
  if (f.resourceType !== undefined && !(e.resources ?? []).some((r) => r.type === f.resourceType)) return false;
  if (f.resourceName !== undefined && !(e.resources ?? []).some((r) => sameKeyRef(r.ARN, f.resourceName!))) return false;
  if (f.key !== undefined && !keyRefsOf(e).some((r) => sameKeyRef(r, f.key!))) return false;
  return true;
}

// ---- reading ---------------------------------------------------------------

/** A trail's matching event, with where its line lies in which log file. */
interface TrailHit {
  event: AuditEvent;
  /** eventTime in epoch ms (-Infinity if unreadable): the merge order. */
  time: number;
  file: string;
  seq: number;
  start: number;
  end: number;
}

export class AuditReader {
  /** How much reading queries took (for tests and metrics). */
  readonly counters = { filesRead: 0, linesRead: 0 };
  private readonly trails: () => Promise<string[]>;

  /**
   * `trails`: one trail directory, or a function listing the trails to read
   * as one (every writer's trail of a data directory: see trailDirsIn).
   * Events of several trails are merged newest first by eventTime.
   */
  constructor(trails: string | (() => Promise<string[]>)) {
    this.trails = typeof trails === 'string' ? async () => [trails] : trails;
  }

  /** A trail's log files, newest first. */
  private async files(trailDir: string): Promise<{ file: string; seq: number }[]> {
    return (await listFiles(trailDir, LOGS_DIR, logSeqOf)).sort((a, b) => b.seq - a.seq);
  }

  /** One trail's matching events, newest first. */
  private async *scanTrail(trailDir: string, filter: AuditFilter, from?: Position): AsyncGenerator<TrailHit> {
    const lowest = filter.startTime !== undefined ? filter.startTime - TIME_SLACK_MS : undefined;
    // A string every matching line contains, to skip parsing the others.
    const needle = filter.eventId ?? filter.eventName ?? keyNeedle(filter.key);
    for (const { file, seq } of await this.files(trailDir)) {
      if (from && seq > from.seq) continue;
      const end = from && seq === from.seq ? from.offset : undefined;
      this.counters.filesRead++;
      for await (const line of linesBackward(resolveIn(trailDir, file), end)) {
        this.counters.linesRead++;
        if (needle !== undefined && !line.text.includes(needle)) continue;
        let event: AuditEvent;
        try {
          event = JSON.parse(line.text) as AuditEvent;
        } catch {
          continue;
        }
        const parsed = Date.parse(event.eventTime);
        const time = Number.isFinite(parsed) ? parsed : -Infinity;
        if (lowest !== undefined && time < lowest) return;
        if (matches(event, filter)) yield { event, time, file, seq, start: line.start, end: line.end };
      }
    }
  }

  /** Matching events of every trail, newest first, each with the cursor just after it. */
  async *scan(filter: AuditFilter, from?: Cursor): AsyncGenerator<{ event: AuditEvent; cursor: Cursor }> {
    const heads: { name: string; trail: AsyncGenerator<TrailHit>; next: IteratorResult<TrailHit, unknown> }[] = [];
    try {
      for (const dir of await this.trails()) {
        const name = basename(dir);
        if (from && !from.has(name)) continue;
        const position = from?.get(name);
        if (position === null) continue;
        const trail = this.scanTrail(dir, filter, position);
        heads.push({ name, trail, next: await trail.next() });
      }
      for (;;) {
        let chosen: (typeof heads)[number] | undefined;
        for (const h of heads) {
          if (!h.next.done && (!chosen || h.next.value.time > (chosen.next.value as TrailHit).time)) chosen = h;
        }
        if (!chosen) return;
        const hit = chosen.next.value as TrailHit;
        chosen.next = await chosen.trail.next();
        const cursor: Cursor = new Map();
        for (const h of heads) {
          if (h === chosen) cursor.set(h.name, { file: hit.file, seq: hit.seq, offset: hit.start });
          else if (h.next.done) cursor.set(h.name, null);
          else cursor.set(h.name, { file: h.next.value.file, seq: h.next.value.seq, offset: h.next.value.end });
        }
        yield { event: hit.event, cursor };
      }
    } finally {
      for (const h of heads) await h.trail.return(undefined);
    }
  }

  /** Up to `maxResults` matching events, newest first, and a token for the rest. */
  async page(filter: AuditFilter, options: { maxResults?: number; nextToken?: string } = {}): Promise<Page> {
    const max = Math.max(1, Math.min(options.maxResults ?? 50, 50));
    const from = options.nextToken !== undefined ? decodeToken(options.nextToken, filter) : undefined;
    const events: AuditEvent[] = [];
    let last: Cursor | undefined;
    for await (const { event, cursor } of this.scan(filter, from)) {
      if (events.length === max) return { events, nextToken: encodeToken(last!, filter) };
      events.push(event);
      last = cursor;
    }
    return { events };
  }

  /** Every matching event, newest first (for `trent audit lookup`). */
  async *events(filter: AuditFilter): AsyncGenerator<AuditEvent> {
    for await (const { event } of this.scan(filter)) yield event;
  }

  /**
   * The most recent successful cryptographic use of a key (the operations
   * GetKeyLastUsage tracks), or undefined if the trails hold none.
   */
  async lastUsage(keyArn: string, options: { notBefore?: number } = {}): Promise<KeyLastUsage | undefined> {
    const filter: AuditFilter = { key: keyArn, eventSource: 'kms.amazonaws.com', ...(options.notBefore !== undefined ? { startTime: options.notBefore } : {}) };
    for await (const { event } of this.scan(filter)) {
      if (event.errorCode !== undefined || !KEY_USAGE_OPERATIONS.has(event.eventName)) continue;
      if (!(event.resources ?? []).some((r) => r.ARN === keyArn)) continue;
      return {
        operation: event.eventName,
        time: Date.parse(event.eventTime),
        eventId: event.eventID,
        ...(event.requestID !== undefined ? { requestId: event.requestID } : {}),
        region: event.awsRegion,
      };
    }
    return undefined;
  }

  /** The time of the oldest event in any trail (GetKeyLastUsage's tracking start), epoch ms. */
  async oldestEventTime(): Promise<number | undefined> {
    let oldest: number | undefined;
    for (const dir of await this.trails()) {
      const t = await this.oldestEventTimeOf(dir);
      if (t !== undefined && (oldest === undefined || t < oldest)) oldest = t;
    }
    return oldest;
  }

  private async oldestEventTimeOf(trailDir: string): Promise<number | undefined> {
    const files = await this.files(trailDir);
    for (const { file } of files.reverse()) {
      const fh = await open(resolveIn(trailDir, file), 'r').catch(() => undefined);
      if (!fh) continue;
      try {
        const buf = Buffer.alloc(CHUNK);
        const { bytesRead } = await fh.read(buf, 0, CHUNK, 0);
        const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (nl < 0) continue;
        const t = Date.parse((JSON.parse(buf.subarray(0, nl).toString('utf8')) as AuditEvent).eventTime);
        if (Number.isFinite(t)) return t;
      } catch {
        continue;
      } finally {
        await fh.close();
      }
    }
    return undefined;
  }
}

// ---- CloudTrail LookupEvents -----------------------------------------------

export const LOOKUP_ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;

export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

/** A filter from LookupEvents' LookupAttributes (CloudTrail allows one) and time range. */
export function filterFromLookup(
  attributes: readonly { AttributeKey: string; AttributeValue: string }[],
  scope: { startTime?: number; endTime?: number; accountId?: string; region?: string } = {},
): AuditFilter {
  const f: AuditFilter = { ...scope };
  for (const { AttributeKey: k, AttributeValue: v } of attributes) {
    switch (k as LookupAttributeKey) {
      case 'EventId':
        f.eventId = v;
        break;
      case 'EventName':
        f.eventName = v;
        break;
      case 'ReadOnly':
        f.readOnly = v === 'true';
        break;
      case 'Username':
        f.username = v;
        break;
      case 'ResourceType':
        f.resourceType = v;
        break;
      case 'ResourceName':
        f.resourceName = v;
        break;
      case 'EventSource':
        f.eventSource = v;
        break;
      case 'AccessKeyId':
        f.accessKeyId = v;
        break;
      default:
        throw new Error(`unknown lookup attribute ${k}`);
    }
  }
  return f;
}

/** An event as LookupEvents returns it (EventTime in epoch seconds, as the JSON protocol sends timestamps). */
export function lookupEventOf(e: AuditEvent): {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType: string; ResourceName: string }[];
  CloudTrailEvent: string;
} {
  const username = usernameOf(e);
  return {
    EventId: e.eventID,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    ...(e.userIdentity.accessKeyId !== undefined ? { AccessKeyId: e.userIdentity.accessKeyId } : {}),
    EventTime: Date.parse(e.eventTime) / 1000,
    EventSource: e.eventSource,
    ...(username !== undefined ? { Username: username } : {}),
    Resources: (e.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    CloudTrailEvent: JSON.stringify(e),
  };
}

/**
 * In-process metrics, rendered in the Prometheus text exposition format
 * (version 0.0.4) by GET /metrics. Counting costs a map lookup per request;
 * label values are bounded (operations come from the API models, anything
 * else is "other"), so a client cannot grow the series without limit.
 */
import type { AuditSinkStats } from '../audit/sink-stats.js';

/**
 * How a request ended: answered (success), refused by authorization
 * (denied), refused or failed because of the request (client_error), failed
 * inside Trent (server_error), or refused before the caller was
 * authenticated (unauthenticated: bad signature, unknown key, malformed
 * request).
 */
export type Outcome = 'success' | 'denied' | 'client_error' | 'server_error' | 'unauthenticated';

/** Upper bounds (seconds) of the request latency histogram. */
export const REQUEST_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Key states always reported (0 when no key is in them), so a series does not vanish when its last key leaves the state. */
const ZERO_KEY_STATES: Readonly<Record<string, number>> = { Enabled: 0, Disabled: 0, PendingDeletion: 0, PendingImport: 0, Unavailable: 0 };

class Histogram {
  readonly counts = new Float64Array(REQUEST_BUCKETS_S.length);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < REQUEST_BUCKETS_S.length; i++) {
      if (seconds <= REQUEST_BUCKETS_S[i]) {
        this.counts[i]++;
        return;
      }
    }
  }
}

interface Series<T> {
  labels: Record<string, string>;
  value: T;
}

/** A family of series keyed by their label values. */
class Family<T> {
  readonly series = new Map<string, Series<T>>();
  constructor(private readonly make: () => T) {}

  get(labels: Record<string, string>, key: string): T {
    let s = this.series.get(key);
    if (!s) {
      s = { labels, value: this.make() };
      this.series.set(key, s);
    }
    return s.value;
  }
}

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  if (n === Infinity) return '+Inf';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/** Writes metric families in the text format. */
export class PromWriter {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Record<string, string>, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${num(value)}`);
    return this;
  }

  histogram(name: string, labels: Record<string, string>, bounds: readonly number[], cumulative: readonly number[], sum: number, count: number): this {
    bounds.forEach((le, i) => this.lines.push(`${name}_bucket${labelText(labels, ['le', num(le)])} ${num(cumulative[i])}`));
    this.lines.push(`${name}_bucket${labelText(labels, ['le', '+Inf'])} ${num(count)}`);
    this.lines.push(`${name}_sum${labelText(labels)} ${num(sum)}`, `${name}_count${labelText(labels)} ${num(count)}`);
    return this;
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

export interface MetricsSnapshot {
  /** Keys by state (cached briefly); absent when the store cannot count them. */
  keysByState?: Readonly<Record<string, number>>;
  /** The audit sink's counters; absent when the sink keeps none. */
  audit?: AuditSinkStats;
  /** 'file', 'memory', 'off' ... */
  auditMode: string;
  auditAvailable: boolean;
  /** With request quotas on: requests throttled by quota class, and the buckets held. */
  quotas?: { throttled: ReadonlyMap<string, number>; buckets: number };
}

export class Metrics {
  private readonly requests = new Family<{ n: number }>(() => ({ n: 0 }));
  private readonly latency = new Family<Histogram>(() => new Histogram());
  private readonly denials = new Family<{ n: number }>(() => ({ n: 0 }));
  private readonly authFailures = new Family<{ n: number }>(() => ({ n: 0 }));
  private readonly schedulerRuns = new Family<{ n: number }>(() => ({ n: 0 }));
  private readonly schedulerLast = new Family<{ at: number; seconds: number }>(() => ({ at: 0, seconds: 0 }));
  private readonly schedulerActions = new Family<{ n: number }>(() => ({ n: 0 }));
  /** Requests answered with an error because their audit event could not be recorded. */
  auditRecordFailures = 0;
  /** Requests not performed because the trail was known to be unable to record them. */
  auditRefusals = 0;
  private readonly started = Date.now();
  /** Worker number when the server runs several worker processes (0: a single process). */
  worker = 0;

  /** One request, once answered. */
  request(service: string, operation: string, outcome: Outcome, seconds: number): void {
    const key = service + '\u0000' + operation;
    this.requests.get({ service, operation, outcome }, key + '\u0000' + outcome).n++;
    this.latency.get({ service, operation }, key).observe(seconds);
    if (outcome === 'denied') this.denials.get({ service, operation }, key).n++;
  }

  /** A request refused before its caller was known, by error code. */
  authenticationFailure(service: string, code: string): void {
    this.authFailures.get({ service, code }, service + '\u0000' + code).n++;
  }

  /** One run of a scheduled task (deletion sweep, session cleanup, audit rotation...). */
  schedulerRun(task: string, ok: boolean, seconds: number, at: number): void {
    const outcome = ok ? 'success' : 'failure';
    this.schedulerRuns.get({ task, outcome }, task + '\u0000' + outcome).n++;
    const last = this.schedulerLast.get({ task }, task);
    last.at = at;
    last.seconds = seconds;
  }

  /** Something a scheduled task did (a key deleted ...). */
  schedulerAction(task: string, action: string, n = 1): void {
    this.schedulerActions.get({ task, action }, task + '\u0000' + action).n += n;
  }

  render(s: MetricsSnapshot): string {
    const w = new PromWriter();
    w.family('trent_requests_total', 'counter', 'API requests answered, by service, operation and outcome.');
    for (const { labels, value } of this.requests.series.values()) w.sample('trent_requests_total', labels, value.n);
    w.family('trent_request_duration_seconds', 'histogram', 'Time from the request body read to the response, audit write included.');
    for (const { labels, value } of this.latency.series.values()) {
      let c = 0;
      const cumulative = Array.from(value.counts, (x) => (c += x));
      w.histogram('trent_request_duration_seconds', labels, REQUEST_BUCKETS_S, cumulative, value.sum, value.count);
    }
    w.family('trent_authorization_denials_total', 'counter', 'Requests refused by authorization (AccessDenied), by service and operation.');
    for (const { labels, value } of this.denials.series.values()) w.sample('trent_authorization_denials_total', labels, value.n);
    w.family('trent_authentication_failures_total', 'counter', 'Requests refused before the caller was authenticated, by error code.');
    for (const { labels, value } of this.authFailures.series.values()) w.sample('trent_authentication_failures_total', labels, value.n);

    if (s.quotas) {
      w.family('trent_throttled_requests_total', 'counter', 'Requests refused with ThrottlingException, by quota class.');
      for (const [cls, n] of s.quotas.throttled) w.sample('trent_throttled_requests_total', { class: cls }, n);
      w.family('trent_quota_buckets', 'gauge', 'Request quota buckets held (one per account, Region and quota class in use).');
      w.sample('trent_quota_buckets', {}, s.quotas.buckets);
    }

    w.family('trent_keys', 'gauge', 'KMS keys by key state, all accounts and regions (cached for a few seconds).');
    if (s.keysByState) {
      for (const [state, n] of Object.entries({ ...ZERO_KEY_STATES, ...s.keysByState })) w.sample('trent_keys', { state }, n);
    }

    w.family('trent_scheduler_runs_total', 'counter', 'Runs of scheduled tasks, by task and outcome.');
    for (const { labels, value } of this.schedulerRuns.series.values()) w.sample('trent_scheduler_runs_total', labels, value.n);
    w.family('trent_scheduler_last_run_timestamp_seconds', 'gauge', 'When each scheduled task last ran (Unix time).');
    for (const { labels, value } of this.schedulerLast.series.values()) w.sample('trent_scheduler_last_run_timestamp_seconds', labels, value.at / 1000);
    w.family('trent_scheduler_last_run_duration_seconds', 'gauge', 'How long the last run of each scheduled task took.');
    for (const { labels, value } of this.schedulerLast.series.values()) w.sample('trent_scheduler_last_run_duration_seconds', labels, value.seconds);
    w.family('trent_scheduler_actions_total', 'counter', 'What scheduled tasks did (keys deleted, expired sessions removed), by task and action.');
    for (const { labels, value } of this.schedulerActions.series.values()) w.sample('trent_scheduler_actions_total', labels, value.n);

    w.family('trent_audit_enabled', 'gauge', 'Whether requests are recorded in an audit trail (1), or auditing is off (0).');
    w.sample('trent_audit_enabled', { mode: s.auditMode }, s.auditMode === 'off' ? 0 : 1);
    w.family('trent_audit_available', 'gauge', 'Whether the audit trail currently accepts events (requests are refused while it does not).');
    w.sample('trent_audit_available', {}, s.auditAvailable ? 1 : 0);
    w.family('trent_audit_record_failures_total', 'counter', 'Requests answered with an internal error because their audit event could not be recorded.');
    w.sample('trent_audit_record_failures_total', {}, this.auditRecordFailures);
    w.family('trent_audit_refusals_total', 'counter', 'Requests not performed because the audit trail was unavailable.');
    w.sample('trent_audit_refusals_total', {}, this.auditRefusals);
    const a = s.audit;
    if (a) {
      w.family('trent_audit_events_written_total', 'counter', 'Audit events written durably.').sample('trent_audit_events_written_total', {}, a.eventsWritten);
      w.family('trent_audit_batches_total', 'counter', 'Group-commit batches (one durable write each).').sample('trent_audit_batches_total', {}, a.batches);
      w.family('trent_audit_loop_writes_total', 'counter', 'Batches written from the event loop, while the disk answers fast (the rest from the thread pool).').sample('trent_audit_loop_writes_total', {}, a.loopWrites);
      w.family('trent_audit_bytes_written_total', 'counter', 'Bytes of audit log written.').sample('trent_audit_bytes_written_total', {}, a.bytesWritten);
      w.family('trent_audit_backlog', 'gauge', 'Audit events accepted but not yet durable.').sample('trent_audit_backlog', {}, a.backlog);
      w.family('trent_audit_write_failures_total', 'counter', 'Failed audit writes or syncs.').sample('trent_audit_write_failures_total', {}, a.writeFailures);
      w.family('trent_audit_rotation_failures_total', 'counter', 'Failed log file rotations (retried).').sample('trent_audit_rotation_failures_total', {}, a.rotationFailures);
      w.family('trent_audit_digests_written_total', 'counter', 'Signed digest files written.').sample('trent_audit_digests_written_total', {}, a.digestsWritten);
      w.family('trent_audit_write_latency_seconds', 'histogram', 'Time from an event offered to the sink to the event durable (group commit wait and the durable write).');
      w.histogram(
        'trent_audit_write_latency_seconds',
        {},
        a.writeLatency.buckets.map((b) => b.le / 1000),
        a.writeLatency.buckets.map((b) => b.count),
        a.writeLatency.sumMs / 1000,
        a.writeLatency.count,
      );
    }

    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').sample('process_resident_memory_bytes', {}, mem.rss);
    w.family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, in bytes.').sample('nodejs_heap_used_bytes', {}, mem.heapUsed);
    w.family('process_cpu_seconds_total', 'counter', 'User and system CPU time spent, in seconds.').sample('process_cpu_seconds_total', {}, (cpu.user + cpu.system) / 1e6);
    w.family('process_start_time_seconds', 'gauge', 'Start time of the process (Unix time).').sample('process_start_time_seconds', {}, Math.floor(this.started / 1000));
    w.family('trent_process_info', 'gauge', 'The process that answered: its worker number (0 for a single process) and pid; every counter here is that process\'s own.')
      .sample('trent_process_info', { worker: String(this.worker), pid: String(process.pid) }, 1);
    return w.text();
  }
}

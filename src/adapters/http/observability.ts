/**
 * GET /metrics (Prometheus text format), /healthz (the process is alive) and
 * /readyz (it can serve: store reachable, root key usable, audit trail
 * writable). No SigV4: monitoring systems call them without AWS credentials,
 * and they expose no secrets (counts, latencies, states; never key ids,
 * principals or request contents). Restrict who can reach the port if even
 * request volumes are sensitive.
 */
import type { HttpResponse } from './json-protocol.js';
import type { Metrics, MetricsSnapshot } from './metrics.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves with a short detail when ready; rejects (with a reason) when not. */
  run(): Promise<string>;
}

export interface ObservabilityOptions {
  metrics: Metrics;
  checks: readonly ReadinessCheck[];
  /** What /metrics reports of the store and the audit trail; called per scrape. */
  snapshot(): Promise<MetricsSnapshot>;
  /** A check taking longer than this fails /readyz. */
  checkTimeoutMs?: number;
}

const PATHS = new Set(['/metrics', '/healthz', '/readyz']);

function pathOf(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  return q < 0 ? rawUrl : rawUrl.slice(0, q);
}

/** Whether a request is for one of these endpoints (GET or HEAD on their paths). */
export function isObservabilityRequest(method: string, rawUrl: string): boolean {
  return (method === 'GET' || method === 'HEAD') && PATHS.has(pathOf(rawUrl));
}

function text(status: number, body: string, contentType: string, head: boolean): HttpResponse {
  return { status, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body: head ? '' : body };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class Observability {
  constructor(private readonly options: ObservabilityOptions) {}

  async handle(method: string, rawUrl: string): Promise<HttpResponse> {
    const head = method === 'HEAD';
    switch (pathOf(rawUrl)) {
      case '/healthz':
        return text(200, JSON.stringify({ status: 'alive' }) + '\n', 'application/json', head);
      case '/readyz':
        return this.readyz(head);
      default:
        return text(200, this.options.metrics.render(await this.options.snapshot()), 'text/plain; version=0.0.4; charset=utf-8', head);
    }
  }

  private async readyz(head: boolean): Promise<HttpResponse> {
    const timeout = this.options.checkTimeoutMs ?? 2000;
    const results = await Promise.all(
      this.options.checks.map(async (c) => {
        try {
          return [c.name, { ok: true, detail: await withTimeout(c.run(), timeout, c.name) }] as const;
        } catch (e) {
          return [c.name, { ok: false, detail: e instanceof Error ? e.message : String(e) }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.ok);
    const failed = results.filter(([, r]) => !r.ok).map(([name]) => name);
    const body = { status: ready ? 'ready' : 'not ready', ...(ready ? {} : { failed }), checks: Object.fromEntries(results) };
    return text(ready ? 200 : 503, JSON.stringify(body) + '\n', 'application/json', head);
  }
}

/**
 * A value computed at most once per `ttlMs` (the key counts /metrics shows),
 * so scrapes from several monitors do not each query the store.
 */
export class Cached<T> {
  private value: T | undefined;
  private at = -Infinity;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async get(): Promise<T> {
    if (this.value !== undefined && this.now() - this.at < this.ttlMs) return this.value;
    this.pending ??= this.compute().then(
      (v) => {
        this.value = v;
        this.at = this.now();
        this.pending = undefined;
        return v;
      },
      (e) => {
        this.pending = undefined;
        throw e;
      },
    );
    return this.pending;
  }
}

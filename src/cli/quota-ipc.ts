/**
 * Request-quota leases between a cluster's primary and its workers, over the
 * IPC channel node:cluster opens (see shared-request-limiter.ts for the
 * protocol's meaning). A worker asks `{trent: 'quota-lease', id, accountId,
 * region, cls, want}`; the primary takes up to `want` tokens from its own
 * RequestLimiter and answers `{trent: 'quota-grant', id, granted, retryInMs}`.
 */
import type { Worker } from 'node:cluster';
import type { RequestLimiter, QuotaTake } from '../operations/request-limiter.js';
import type { QuotaLeases } from '../operations/shared-request-limiter.js';

interface LeaseRequest {
  trent: 'quota-lease';
  id: number;
  accountId: string;
  region: string;
  cls: string;
  want: number;
}

interface LeaseGrant extends QuotaTake {
  trent: 'quota-grant';
  id: number;
}

function isLeaseRequest(m: unknown): m is LeaseRequest {
  const r = m as Partial<LeaseRequest> | null;
  return (
    typeof r === 'object' && r !== null && r.trent === 'quota-lease' && Number.isInteger(r.id) &&
    typeof r.accountId === 'string' && typeof r.region === 'string' && typeof r.cls === 'string' &&
    Number.isInteger(r.want) && r.want! >= 1
  );
}

function isLeaseGrant(m: unknown): m is LeaseGrant {
  const g = m as Partial<LeaseGrant> | null;
  return typeof g === 'object' && g !== null && g.trent === 'quota-grant' && Number.isInteger(g.id) && typeof g.granted === 'number' && typeof g.retryInMs === 'number';
}

/** The primary's side: answers a worker's lease requests from `limiter`. */
export function serveQuotaLeases(worker: Worker, limiter: RequestLimiter): void {
  worker.on('message', (m: unknown) => {
    if (!isLeaseRequest(m)) return;
    const grant: LeaseGrant = { trent: 'quota-grant', id: m.id, ...limiter.take(m.accountId, m.region, m.cls, m.want) };
    if (worker.isConnected()) worker.send(grant);
  });
}

/**
 * A worker's side: leases asked of the primary over this process's IPC
 * channel. A lease not answered within `timeoutMs` is rejected (and its
 * answer, should it come, ignored).
 */
export function primaryQuotaLeases(channel: Pick<NodeJS.Process, 'send' | 'on'> = process, timeoutMs = 2000): QuotaLeases {
  let next = 0;
  const waiting = new Map<number, { resolve: (take: QuotaTake) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Takes lease `id` off those waiting and stops its timer; undefined once it was settled (by its grant, the timeout or a failed send). */
  const settle = (id: number) => {
    const w = waiting.get(id);
    if (w) {
      waiting.delete(id);
      clearTimeout(w.timer);
    }
    return w;
  };
  channel.on('message', (m: unknown) => {
    if (isLeaseGrant(m)) settle(m.id)?.resolve({ granted: m.granted, retryInMs: m.retryInMs });
  });
  return {
    lease(accountId, region, cls, want) {
      return new Promise<QuotaTake>((resolve, reject) => {
        if (!channel.send) return reject(new Error('no primary to lease quota from'));
        const id = next++;
        const fail = (e: Error) => settle(id)?.reject(e);
        waiting.set(id, { resolve, reject, timer: setTimeout(() => fail(new Error(`the primary did not answer within ${timeoutMs} ms`)), timeoutMs) });
        const request: LeaseRequest = { trent: 'quota-lease', id, accountId, region, cls, want };
        channel.send(request, undefined, undefined, (e: Error | null) => {
          if (e) fail(e);
        });
      });
    },
  };
}

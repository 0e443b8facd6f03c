/**
 * Node HTTP(S) listener around TrentApp: bounded request bodies, a request
 * id on every response, graceful close that lets in-flight requests finish.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KmsError } from '../../domain/errors.js';
import type { TrentApp } from './app.js';
import { errorResponse } from './json-protocol.js';

/** Largest request body accepted; KMS's largest requests (policies, imports) are far smaller. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections and resolves when in-flight requests have finished. */
  close(timeoutMs?: number): Promise<void>;
}

export async function listen(app: TrentApp, options: ListenOptions): Promise<RunningServer> {
  const handler = (req: IncomingMessage, res: ServerResponse) => serve(app, req, res);
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: (timeoutMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function serve(app: TrentApp, req: IncomingMessage, res: ServerResponse): void {
  const receivedAt = process.hrtime.bigint();
  const requestId = randomUUID();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return tooLarge(req, res, requestId);
  const chunks: Buffer[] = [];
  let size = 0;
  let aborted = false;
  req.on('data', (chunk: Buffer) => {
    if (aborted) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      aborted = true;
      tooLarge(req, res, requestId);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => {
    aborted = true;
  });
  req.on('end', () => {
    if (aborted) return;
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    app
      .handle({
        method: req.method ?? 'GET',
        rawUrl: req.url ?? '/',
        headers: req.headers,
        body,
        requestId,
        sourceIp: normalizeAddress(req.socket.remoteAddress),
        secureTransport: (req.socket as { encrypted?: boolean }).encrypted === true,
        ...tlsOf(req.socket),
        receivedAt,
      })
      .then((out) => {
        res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
        res.end(out.body);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
}

/** The negotiated TLS version and cipher suite (OpenSSL name), for the audit event's tlsDetails. */
function tlsOf(socket: IncomingMessage['socket']): { tls?: { version: string; cipher: string } } {
  if ((socket as { encrypted?: boolean }).encrypted !== true) return {};
  const tls = socket as TLSSocket;
  return { tls: { version: tls.getProtocol() ?? '', cipher: tls.getCipher()?.name ?? '' } };
}

/** IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d. */
function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function tooLarge(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const out = errorResponse(
    requestId,
    new KmsError('RequestEntityTooLargeException', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`, 413),
  );
  res.writeHead(out.status, { ...out.headers, connection: 'close', 'content-length': Buffer.byteLength(out.body) });
  res.end(out.body);
  req.resume();
}

/** Shared by the audit integration tests: reading a server's trail, signing CloudTrail requests, running the CLI. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { AuditReader, type AuditFilter } from '../../src/adapters/audit/query.js';
import type { AuditEvent } from '../../src/audit/event.js';
import { TRENT_BIN } from '../helpers/child-server.js';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET, type TestServer } from '../helpers/trent.js';

/** Every event of the server's trail matching `filter`, newest first. */
export async function trailEvents(server: TestServer, filter: AuditFilter = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const e of new AuditReader(server.trent.trailDir).events(filter)) out.push(e);
  return out;
}

/** The one event of a request, by its request id (the x-amzn-RequestId the client saw). */
export async function eventOf(server: TestServer, requestId: string | undefined): Promise<AuditEvent> {
  assert.ok(requestId, 'the response carried no request id');
  const found = (await trailEvents(server)).filter((e) => e.requestID === requestId);
  assert.equal(found.length, 1, `expected exactly one event for request ${requestId}, found ${found.length}`);
  return found[0];
}

/** The raw trail text, to search for secrets. */
export async function trailText(server: TestServer): Promise<string> {
  return (await trailEvents(server)).map((e) => JSON.stringify(e)).join('\n');
}

/** The request id of an SDK response or error. */
export function requestIdOf(x: unknown): string | undefined {
  return (x as { $metadata?: { requestId?: string } }).$metadata?.requestId;
}

/** Runs `fn`, expecting an AWS error; returns it with its request id. */
export async function failure(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status?: number; requestId?: string }> {
  try {
    await fn();
  } catch (e) {
    const x = e as { name: string; message: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
    return { name: x.name, message: x.message, status: x.$metadata?.httpStatusCode, requestId: x.$metadata?.requestId };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface SignedJsonResponse {
  status: number;
  requestId: string | null;
  body: any;
}

/** An AWS JSON 1.1 request signed with SigV4 for `service` (cloudtrail, kms), as the SDKs send it. */
export async function signedJson(
  url: string,
  target: string,
  input: unknown,
  options: { service?: string; region?: string; accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } = {},
): Promise<SignedJsonResponse> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service: options.service ?? 'cloudtrail',
    region: options.region ?? TEST_REGION,
    credentials: {
      accessKeyId: options.accessKeyId ?? TEST_ACCESS_KEY_ID,
      secretAccessKey: options.secretAccessKey ?? TEST_SECRET,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid'), body: text ? JSON.parse(text) : {} };
}

export const LOOKUP_EVENTS = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bin/trent ...` as a child process (asynchronously: the server under test shares this event loop). */
export function trentCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TRENT_')) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [TRENT_BIN, ...args], { env: { ...clean, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

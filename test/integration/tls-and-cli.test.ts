/**
 * `bin/trent` as a child process: HTTPS with a self-signed certificate,
 * refusals to start insecurely, graceful shutdown on SIGTERM/SIGINT, usage.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateRandomCommand, KMSClient } from '@aws-sdk/client-kms';
import { rootEnv, tempDir, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_SECRET } from '../helpers/trent.js';

const execFileAsync = promisify(execFile);

// dist/test/integration/<this>.js -> repository root
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'bin', 'trent');
const START_TIMEOUT_MS = 20_000;

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Resolves when `text` has appeared on stderr. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TRENT_')) env[k] = v;
  return { ...env, ...rootEnv(), ...extra };
}

function runCli(args: string[], env: NodeJS.ProcessEnv = childEnv()): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  const stderrWaiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of stderrWaiters.splice(0)) w();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      // let the pipes drain before callers read stdout/stderr
      setImmediate(() => resolve(code ?? signal ?? -1));
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr(text, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)} on stderr; got ${JSON.stringify(err)}`)), timeoutMs);
        const check = () => {
          if (err.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else stderrWaiters.push(check);
        };
        check();
      });
    },
  };
}

/** Waits for `Trent listening on <url>` on stdout; fails if the process exits first. */
function listeningUrl(cli: Cli): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time; stdout ${JSON.stringify(cli.stdout())}, stderr ${JSON.stringify(cli.stderr())}`)),
      START_TIMEOUT_MS,
    );
    const check = () => {
      const m = /Trent listening on (https?:\/\/\S+)/.exec(cli.stdout());
      if (m) {
        clearTimeout(timer);
        cli.child.stdout!.off('data', check);
        resolve(m[1]);
      }
    };
    cli.child.stdout!.on('data', check);
    check();
    cli.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening; stdout ${JSON.stringify(cli.stdout())}, stderr ${JSON.stringify(cli.stderr())}`));
    });
  });
}

/** The exit code, failing (and killing the child) if it does not exit within `ms`. */
async function exitWithin(cli: Cli, ms = 10_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${ms} ms; stdout ${JSON.stringify(cli.stdout())}, stderr ${JSON.stringify(cli.stderr())}`));
    }, ms);
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function kmsOverTls(url: string, ca: Buffer): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ ca }) }),
  });
}

async function signedHeaders(baseUrl: string, body: string, target = 'TrentService.GenerateRandom'): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const signer = new SignatureV4({
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    region: 'us-east-1',
    service: 'kms',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': target,
    },
    body,
  });
  return signed.headers as Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dirs: string[] = [];
function dataDir(): string {
  const d = tempDir('trent-cli-');
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
});

after(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('trent server over HTTPS', () => {
  let certDir: string;
  let certFile: string;
  let keyFile: string;
  let cert: Buffer;

  before(async () => {
    certDir = dataDir();
    certFile = join(certDir, 'cert.pem');
    keyFile = join(certDir, 'key.pem');
    await execFileAsync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
      '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1',
      '-days', '1',
      '-keyout', keyFile,
      '-out', certFile,
    ]);
    cert = readFileSync(certFile);
  });

  it('serves CreateKey, Encrypt and Decrypt over TLS to a client that trusts the certificate', { timeout: 60_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data'), '--tls-cert', certFile, '--tls-key', keyFile]);
    const url = await listeningUrl(cli);
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(url).port, '0');

    const kms = kmsOverTls(url, cert);
    try {
      const created = await kms.send(new CreateKeyCommand({ Description: 'over tls' }));
      const meta = created.KeyMetadata!;
      assert.equal(meta.AWSAccountId, TEST_ACCOUNT);
      assert.equal(meta.Description, 'over tls');
      const enc = await kms.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('sent over https') }));
      assert.equal(enc.KeyId, meta.Arn);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), 'sent over https');
      assert.equal(dec.KeyId, meta.Arn);
    } finally {
      kms.destroy();
    }

    // A client that does not trust the certificate cannot talk to it.
    const untrusting = new KMSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    try {
      await assert.rejects(untrusting.send(new GenerateRandomCommand({ NumberOfBytes: 8 })), (e: Error & { code?: string }) => {
        assert.match(`${e.code ?? ''} ${e.message}`, /self[- ]signed|DEPTH_ZERO_SELF_SIGNED_CERT|unable to verify|certificate/i);
        return true;
      });
    } finally {
      untrusting.destroy();
    }

    cli.child.kill('SIGTERM');
    assert.equal(await exitWithin(cli), 0, cli.stderr());
  });

  it('HTTPS on a non-loopback address starts without --insecure-http', { timeout: 60_000 }, async () => {
    const cli = runCli(['server', '--listen', '0.0.0.0:0', '--data-dir', join(dataDir(), 'data'), '--tls-cert', certFile, '--tls-key', keyFile]);
    const url = await listeningUrl(cli);
    assert.match(url, /^https:\/\/0\.0\.0\.0:\d+$/);
    const kms = kmsOverTls(`https://127.0.0.1:${new URL(url).port}`, cert);
    try {
      const r = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 10 }));
      assert.equal(r.Plaintext?.length, 10);
    } finally {
      kms.destroy();
    }
    cli.child.kill('SIGTERM');
    assert.equal(await exitWithin(cli), 0, cli.stderr());
  });

  it('--tls-cert without --tls-key refuses to start', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data'), '--tls-cert', certFile]);
    const code = await exitWithin(cli);
    assert.notEqual(code, 0);
    assert.equal(typeof code, 'number', `killed by ${code}`);
    assert.match(cli.stderr(), /--tls-key/);
    assert.doesNotMatch(cli.stdout(), /Trent listening/);
  });

  it('--tls-key without --tls-cert refuses to start', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data'), '--tls-key', keyFile]);
    const code = await exitWithin(cli);
    assert.notEqual(code, 0);
    assert.equal(typeof code, 'number', `killed by ${code}`);
    assert.match(cli.stderr(), /--tls-cert/);
    assert.doesNotMatch(cli.stdout(), /Trent listening/);
  });
});

describe('trent server without TLS', () => {
  it('refuses plain HTTP on 0.0.0.0 and mentions --insecure-http', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '0.0.0.0:0', '--data-dir', join(dataDir(), 'data')]);
    const code = await exitWithin(cli);
    assert.notEqual(code, 0);
    assert.equal(typeof code, 'number', `killed by ${code}`);
    assert.match(cli.stderr(), /--insecure-http/);
    assert.doesNotMatch(cli.stdout(), /Trent listening/);
  });

  it('starts on 0.0.0.0 with --insecure-http', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '0.0.0.0:0', '--insecure-http', '--data-dir', join(dataDir(), 'data')]);
    const url = await listeningUrl(cli);
    assert.match(url, /^http:\/\/0\.0\.0\.0:\d+$/);
    const kms = new KMSClient({
      endpoint: `http://127.0.0.1:${new URL(url).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    try {
      assert.equal((await kms.send(new GenerateRandomCommand({ NumberOfBytes: 3 }))).Plaintext?.length, 3);
    } finally {
      kms.destroy();
    }
    cli.child.kill('SIGTERM');
    assert.equal(await exitWithin(cli), 0, cli.stderr());
  });

  it('SIGTERM lets an in-flight request finish with 200, refuses new connections, then exits 0', { timeout: 60_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data')]);
    const url = new URL(await listeningUrl(cli));
    assert.equal(url.protocol, 'http:');

    const body = JSON.stringify({ NumberOfBytes: 32 });
    const headers = await signedHeaders(url.href, body);
    const half = Math.floor(body.length / 2);
    const response = new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest({ hostname: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.flushHeaders();
      req.write(body.slice(0, half));
      // Send the rest only once the server has been told to stop.
      cli
        .waitForStderr('SIGTERM')
        .then(() => sleep(200))
        .then(() => req.end(body.slice(half)), (e) => req.destroy(e));
    });
    response.catch(() => {}); // observed below

    await sleep(300); // let the server parse the headers of the in-flight request
    assert.equal(cli.child.exitCode, null);
    cli.child.kill('SIGTERM');
    await cli.waitForStderr('SIGTERM');

    // The listener is closed: a new request is not served while the old one is pending.
    // (Wait a moment first: the stderr line is written just before the listener is closed,
    // and the kernel completes handshakes for a listening socket on its own.)
    await sleep(100);
    const probe = await new Promise<string>((resolve) => {
      const req = httpRequest({ hostname: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent: false }, (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      });
      req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
      req.end(body);
    });
    assert.ok(['ECONNREFUSED', 'ECONNRESET'].includes(probe), `a new request after SIGTERM got: ${probe}`);

    const res = await response;
    assert.equal(res.status, 200, res.body);
    assert.equal(Buffer.from(JSON.parse(res.body).Plaintext, 'base64').length, 32);
    assert.ok(res.headers['x-amzn-requestid']);
    assert.equal(await exitWithin(cli), 0, cli.stderr());
  });

  // A supervisor may stop the server as soon as it reports readiness; the signal must
  // already be handled then (graceful close, exit 0), not kill the process.
  it('SIGTERM sent right after the "Trent listening" line exits 0 promptly', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data')]);
    await listeningUrl(cli);
    const t0 = Date.now();
    cli.child.kill('SIGTERM');
    assert.equal(await exitWithin(cli, 5_000), 0, cli.stderr());
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('SIGINT exits 0', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data')]);
    const url = await listeningUrl(cli);
    // serve one request first, leaving an idle keep-alive connection open
    const headers = await signedHeaders(url, '{"NumberOfBytes":4}');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(url);
      const req = httpRequest({ hostname: u.hostname, port: u.port, method: 'POST', path: '/', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('{"NumberOfBytes":4}');
    });
    assert.equal(status, 200);
    cli.child.kill('SIGINT');
    assert.equal(await exitWithin(cli, 5_000), 0, cli.stderr());
    assert.match(cli.stderr(), /SIGINT/);
  });

  it('a restarted server keeps its keys (same data dir)', { timeout: 60_000 }, async () => {
    const dir = join(dataDir(), 'data');
    const first = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', dir]);
    const url1 = await listeningUrl(first);
    const kms1 = new KMSClient({ endpoint: url1, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    const keyId = (await kms1.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const enc = await kms1.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('persisted') }));
    kms1.destroy();
    first.child.kill('SIGTERM');
    assert.equal(await exitWithin(first), 0, first.stderr());

    const second = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', dir]);
    const url2 = await listeningUrl(second);
    const kms2 = new KMSClient({ endpoint: url2, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    try {
      const dec = await kms2.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), 'persisted');
    } finally {
      kms2.destroy();
    }
    second.child.kill('SIGTERM');
    assert.equal(await exitWithin(second), 0, second.stderr());
  });
});

describe('trent command line', () => {
  it('with no command exits 2 and prints usage', { timeout: 30_000 }, async () => {
    const cli = runCli([]);
    assert.equal(await exitWithin(cli), 2);
    assert.match(cli.stderr() + cli.stdout(), /usage: trent <command>/);
    assert.match(cli.stderr() + cli.stdout(), /server/);
  });

  it('with an unknown command exits 2 and prints usage', { timeout: 30_000 }, async () => {
    const cli = runCli(['frobnicate']);
    assert.equal(await exitWithin(cli), 2);
    assert.match(cli.stderr() + cli.stdout(), /usage: trent/);
  });

  it('server --help prints the server usage and exits 0', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--help']);
    assert.equal(await exitWithin(cli), 0, cli.stderr());
    assert.match(cli.stdout(), /--insecure-http/);
    assert.match(cli.stdout(), /--tls-cert/);
  });

  it('server with an unknown option refuses to start', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dataDir(), 'data'), '--no-such-option']);
    const code = await exitWithin(cli);
    assert.equal(typeof code, 'number', `killed by ${code}`);
    assert.notEqual(code, 0);
  });

  it('server with a malformed --listen refuses to start', { timeout: 30_000 }, async () => {
    const cli = runCli(['server', '--listen', 'nonsense', '--data-dir', join(dataDir(), 'data')]);
    const code = await exitWithin(cli);
    assert.equal(typeof code, 'number', `killed by ${code}`);
    assert.notEqual(code, 0);
    assert.match(cli.stderr(), /--listen/);
  });
});

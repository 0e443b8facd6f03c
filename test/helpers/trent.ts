/**
 * Test harness: a real Trent server on a random loopback port, with a fresh
 * data directory and known root credentials, and clients pointed at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { startTrent, type Trent, type TrentOptions } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.js';
import { silentLogger } from '../../src/adapters/logger.js';

export const TEST_ACCOUNT = '111122223333';
export const TEST_ACCESS_KEY_ID = 'AKIATRENTTESTROOT001';
export const TEST_SECRET = 'trent-test-secret-access-key-0123456789';
export const TEST_REGION = 'us-east-1';

export interface TestServer {
  trent: Trent;
  url: string;
  dataDir: string;
  clock: ManualClock;
  env: NodeJS.ProcessEnv;
  kms(options?: { region?: string; accessKeyId?: string; secretAccessKey?: string }): KMSClient;
  close(): Promise<void>;
}

export function tempDir(prefix = 'trent-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function rootEnv(): NodeJS.ProcessEnv {
  return {
    TRENT_ACCOUNT_ID: TEST_ACCOUNT,
    TRENT_ROOT_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
    TRENT_ROOT_SECRET_ACCESS_KEY: TEST_SECRET,
  };
}

export async function startTestServer(options: Partial<TrentOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(Date.now());
  const env = options.env ?? rootEnv();
  const trent = await startTrent({ logger: silentLogger, ...options, dataDir, clock, env, port: options.port ?? 0 });
  const clients: KMSClient[] = [];
  return {
    trent,
    url: trent.url,
    dataDir,
    clock,
    env,
    kms(o = {}) {
      const client = new KMSClient({
        endpoint: trent.url,
        region: o.region ?? TEST_REGION,
        credentials: { accessKeyId: o.accessKeyId ?? TEST_ACCESS_KEY_ID, secretAccessKey: o.secretAccessKey ?? TEST_SECRET },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.destroy();
      await trent.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns the AWS error it throws (by name), failing if it does not throw. */
export async function awsError(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await fn();
  } catch (e) {
    const x = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: x.name, message: x.message, status: x.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Running the AWS CLI from tests. Always asynchronous (execFile): an
 * in-process server shares this process's event loop, so a synchronous child
 * would block the server it talks to.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const CLI_TIMEOUT_MS = 60_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** process.env without any AWS_* or TRENT_* variable, so nothing from the host leaks in. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_') || k.startsWith('TRENT_')) continue;
    env[k] = v;
  }
  return env;
}

/**
 * An AWS CLI environment isolated from the host: no config or credentials
 * files (the named ones in `work` do not exist), no instance metadata, no
 * retries, no pager, region `region`, and the given credentials if any.
 */
export function isolatedCliEnv(work: string, region: string, credentials?: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {}),
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: join(work, 'no-such-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-such-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
}

/** Runs `aws ...`; never throws for a non-zero exit (the caller asserts), only when the CLI is missing or hangs. */
export function runAws(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile('aws', args, { env, timeout: CLI_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('the AWS CLI (`aws`) is not on PATH; install AWS CLI v1 (pip install awscli, or Debian\'s awscli) to run these tests'));
        return;
      }
      if (error && error.killed) {
        reject(new Error(`aws ${args.join(' ')} timed out after ${CLI_TIMEOUT_MS} ms\nstderr: ${stderr}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Failures of IAM and STS calls (query protocol) as the AWS SDK reports them, for assertions. */
import assert from 'node:assert/strict';

export interface QueryFailure {
  name: string;
  /** The query protocol's error Code, when the SDK exposes it. */
  code?: string;
  message: string;
  status?: number;
}

/** The failure of `p`; throws if it succeeds. */
export async function fails(p: Promise<unknown>): Promise<QueryFailure> {
  try {
    await p;
  } catch (e) {
    const x = e as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: x.name, code: x.Code, message: x.message, status: x.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function assertFailure(f: QueryFailure, code: string, status: number, message?: string | RegExp): void {
  assert.equal(f.code ?? f.name, code, `code (${f.name}: ${f.message})`);
  assert.equal(f.status, status, 'status');
  if (typeof message === 'string') assert.equal(f.message, message);
  else if (message) assert.match(f.message, message);
}

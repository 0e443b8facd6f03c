/** A KMS request signed with SigV4 as the AWS SDK signs it, sent over raw HTTP. */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET } from './trent.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

export async function signedRequest(
  url: string,
  operation: string,
  input: unknown,
  options: { region?: string; accessKeyId?: string; secretAccessKey?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = typeof input === 'string' ? input : JSON.stringify(input);
  const signer = new SignatureV4({
    service: 'kms',
    region: options.region ?? TEST_REGION,
    credentials: { accessKeyId: options.accessKeyId ?? TEST_ACCESS_KEY_ID, secretAccessKey: options.secretAccessKey ?? TEST_SECRET },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: {
      host: `${hostname}:${port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `TrentService.${operation}`,
      ...options.headers,
    },
    body,
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

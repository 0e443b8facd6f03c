/**
 * Calls to a peer Trent deployment: AWS JSON 1.1 POSTs to its endpoint,
 * SigV4-signed (service kms, the peer's region) with the credentials of a
 * principal in the peer that its operator created for this deployment.
 * TLS endpoints are verified as usual (a private CA can be given through
 * NODE_EXTRA_CA_CERTS).
 */
import { createHash, createHmac } from 'node:crypto';
import { KmsError } from '../../domain/errors.js';
import type { PeerLink } from '../../operations/multi-region/peers.js';
import { formatAmzDate } from '../http/sigv4-canonical.js';

export interface PeerConfig {
  region: string;
  endpoint: string;
  publicKeyDer: Buffer;
  accessKeyId: string;
  secretAccessKey: string;
}

const TIMEOUT_MS = 30_000;

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** SigV4 headers for a POST / with the given body and target. */
export function signedHeaders(config: PeerConfig, target: string, body: string, now: number): Record<string, string> {
  const url = new URL(config.endpoint);
  const amzDate = formatAmzDate(now);
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-target': target,
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    '/',
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    createHash('sha256').update(body, 'utf8').digest('hex'),
  ].join('\n');
  const scope = `${day}/${config.region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${config.secretAccessKey}`, day), config.region), 'kms'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${config.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

export function peerLink(config: PeerConfig, now: () => number = Date.now): PeerLink {
  return {
    region: config.region,
    publicKeyDer: config.publicKeyDer,
    async call(operation, payload) {
      const body = JSON.stringify(payload);
      let res: Response;
      try {
        res = await fetch(new URL('/', config.endpoint), {
          method: 'POST',
          headers: signedHeaders(config, `TrentService.${operation}`, body, now()),
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (e) {
        throw new KmsError('KMSInternalException', `The replication peer for ${config.region} could not be reached.`, 500);
      }
      const text = await res.text();
      let answer: Record<string, any>;
      try {
        answer = text === '' ? {} : (JSON.parse(text) as Record<string, any>);
      } catch {
        throw new KmsError('KMSInternalException', `The replication peer for ${config.region} answered something other than JSON.`, 500);
      }
      if (res.ok) return answer;
      const code = typeof answer.__type === 'string' ? answer.__type.split('#').pop()! : 'KMSInternalException';
      const message = typeof answer.message === 'string' ? answer.message : '';
      // The peer's refusal reaches the caller as the peer stated it (e.g. AccessDeniedException for its own policies).
      throw new KmsError(code, `Replication peer for ${config.region}: ${message}`, res.status >= 500 ? 500 : 400);
    },
  };
}

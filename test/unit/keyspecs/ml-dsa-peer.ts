/**
 * Run by ml-dsa.test.ts under the *other* Node version: reads one JSON request
 * on stdin, answers on stdout. Buffers travel as base64.
 *   {op:'make', message}            -> key pairs and signatures made here
 *   {op:'check', message, message2, items} -> checks of key pairs and signatures made there,
 *                                     plus new signatures over message2 with their keys
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publicKeyFromPrivate } from '../../../src/crypto/keyspecs/keys.js';
import {
  decodeMlDsaPrivateKey,
  defaultMlDsaBackend,
  encodeMlDsaPrivateKey,
  mlDsaExternalMu,
  type MlDsaSpec,
} from '../../../src/crypto/keyspecs/ml-dsa.js';
import { generateKeyPair } from '../../../src/crypto/keyspecs/generate.js';
import { sign, verify } from '../../../src/crypto/keyspecs/sign.js';

export const SPECS: MlDsaSpec[] = ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'];

export interface PeerItem {
  spec: MlDsaSpec;
  privateKeyDer: string;
  publicKeyDer: string;
  sigRaw: string;
  sigMu: string;
}

export interface PeerCheck {
  spec: MlDsaSpec;
  publicMatches: boolean;
  rawValid: boolean;
  muValid: boolean;
  muAsRawValid: boolean;
  rawAsMuValid: boolean;
  tamperedRejected: boolean;
  reencodedIdentical: boolean;
  sigRaw2: string;
  sigMu2: string;
}

const b64 = (b: Buffer) => b.toString('base64');
const buf = (s: string) => Buffer.from(s, 'base64');

/** Key pairs and signatures made with this runtime's default backend. */
export function make(message: Buffer): PeerItem[] {
  return SPECS.map((spec) => {
    const { privateKeyDer, publicKeyDer } = generateKeyPair(spec);
    const mu = mlDsaExternalMu(spec, publicKeyDer, message);
    return {
      spec,
      privateKeyDer: b64(privateKeyDer),
      publicKeyDer: b64(publicKeyDer),
      sigRaw: b64(sign(spec, 'ML_DSA_SHAKE_256', privateKeyDer, message, 'RAW')),
      sigMu: b64(sign(spec, 'ML_DSA_SHAKE_256', privateKeyDer, mu, 'EXTERNAL_MU')),
    };
  });
}

/** This runtime's canonical re-encoding of a private key (native: node:crypto's; noble: ours). */
function reencode(spec: MlDsaSpec, der: Buffer): Buffer {
  if (defaultMlDsaBackend() === 'native') return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs8' });
  const k = decodeMlDsaPrivateKey(spec, der);
  return encodeMlDsaPrivateKey(spec, k.seed!, k.expanded);
}

export function check(message: Buffer, message2: Buffer, items: PeerItem[]): PeerCheck[] {
  return items.map((item) => {
    const { spec } = item;
    const priv = buf(item.privateKeyDer);
    const pub = buf(item.publicKeyDer);
    const sigRaw = buf(item.sigRaw);
    const sigMu = buf(item.sigMu);
    const mu = mlDsaExternalMu(spec, pub, message);
    const tampered = Buffer.from(sigRaw);
    tampered[100] ^= 1;
    return {
      spec,
      publicMatches: publicKeyFromPrivate(spec, priv).equals(pub),
      rawValid: verify(spec, 'ML_DSA_SHAKE_256', pub, message, 'RAW', sigRaw),
      muValid: verify(spec, 'ML_DSA_SHAKE_256', pub, mu, 'EXTERNAL_MU', sigMu),
      muAsRawValid: verify(spec, 'ML_DSA_SHAKE_256', pub, message, 'RAW', sigMu),
      rawAsMuValid: verify(spec, 'ML_DSA_SHAKE_256', pub, mu, 'EXTERNAL_MU', sigRaw),
      tamperedRejected: !verify(spec, 'ML_DSA_SHAKE_256', pub, message, 'RAW', tampered),
      reencodedIdentical: reencode(spec, priv).equals(priv),
      sigRaw2: b64(sign(spec, 'ML_DSA_SHAKE_256', priv, message2, 'RAW')),
      sigMu2: b64(sign(spec, 'ML_DSA_SHAKE_256', priv, mlDsaExternalMu(spec, pub, message2), 'EXTERNAL_MU')),
    };
  });
}

// Run as a script: node ml-dsa-peer.js < request.json
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const req = JSON.parse(readFileSync(0, 'utf8')) as { op: string; message: string; message2?: string; items?: PeerItem[] };
  const base = { node: process.version, backend: defaultMlDsaBackend() };
  const out =
    req.op === 'make'
      ? { ...base, items: make(buf(req.message)) }
      : { ...base, results: check(buf(req.message), buf(req.message2!), req.items!) };
  process.stdout.write(JSON.stringify(out));
}

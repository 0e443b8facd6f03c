/**
 * No secret reaches an audit event. For every operation of the KMS API model
 * and every IAM/STS action Trent serves, a request and a response are
 * generated from the model with every member filled with a distinctive
 * marker; the serialized event must contain the marker of no secret member
 * (plaintexts, ciphertexts, messages, signatures, MACs, public and private
 * keys, key material, tokens, passwords, secret access keys, session
 * tokens), whether the call succeeds or fails.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuditEvent } from '../../../src/audit/build.js';
import { CLOUDTRAIL_OPERATIONS, IAM_OPERATIONS, STS_OPERATIONS } from '../../../src/audit/iam-sts-fields.js';
import { KMS_OPERATIONS, type OperationSpec } from '../../../src/audit/kms-fields.js';
import { applySpec, specMemberNames } from '../../../src/audit/redact.js';
import type { AuditService } from '../../../src/audit/event.js';
import { IAM_MODEL, STS_MODEL } from '../../../src/adapters/query/model.generated.js';
import { KEY_ARN, readReference, request } from './helpers.js';

interface Shape {
  type: string;
  members?: Record<string, { shape: string; sensitive?: boolean }>;
  member?: string | { shape: string };
  key?: string | { shape: string };
  value?: string | { shape: string };
  sensitive?: boolean;
}

/** Members whose values are secret, or opaque bytes CloudTrail omits, wherever they appear. */
const SECRET_MEMBERS = new Set([
  'Plaintext',
  'PrivateKeyPlaintext',
  'CiphertextBlob',
  'PrivateKeyCiphertextBlob',
  'CiphertextForRecipient',
  'SharedSecret',
  'Message',
  'Mac',
  'Signature',
  'PublicKey',
  'ImportToken',
  'EncryptedKeyMaterial',
  'GrantToken',
  'GrantTokens',
  'KeyStorePassword',
  'XksProxyAuthenticationCredential',
  'Recipient',
  'AttestationDocument',
  'SecretAccessKey',
  'SessionToken',
  'TokenCode',
  'Password',
  'NewPassword',
  'OldPassword',
]);

class Generator {
  readonly secretMarkers: string[] = [];
  readonly allMarkers: string[] = [];
  constructor(private readonly shapes: Record<string, Shape>) {}

  private marker(path: string, secret: boolean): string {
    const m = `[[${path}]]`;
    this.allMarkers.push(m);
    if (secret) this.secretMarkers.push(m);
    return m;
  }

  value(shapeName: string, path: string, secret: boolean, depth = 0): unknown {
    const s = this.shapes[shapeName];
    const isSecret = secret || s.sensitive === true || s.type === 'blob';
    const ref = (r: string | { shape: string } | undefined) => (typeof r === 'string' ? r : r!.shape);
    switch (s.type) {
      case 'string':
        return this.marker(path, isSecret);
      case 'blob': {
        const m = this.marker(path, true);
        this.secretMarkers.push(Buffer.from(m).toString('base64'));
        return Buffer.from(m).toString('base64');
      }
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return 7;
      case 'boolean':
        return true;
      case 'timestamp':
        return 1_800_000_000;
      case 'list':
        return depth > 6 ? [] : [this.value(ref(s.member), `${path}.0`, isSecret, depth + 1)];
      case 'map':
        return depth > 6 ? {} : { [this.marker(`${path}.key`, isSecret)]: this.value(ref(s.value), `${path}.value`, isSecret, depth + 1) };
      case 'structure': {
        const out: Record<string, unknown> = {};
        if (depth > 6) return out;
        for (const [name, m] of Object.entries(s.members ?? {})) {
          out[name] = this.value(m.shape, `${path}.${name}`, isSecret || m.sensitive === true || SECRET_MEMBERS.has(name), depth + 1);
        }
        return out;
      }
      default:
        return null;
    }
  }
}

function check(service: AuditService, op: string, shapes: Record<string, Shape>, input: string | null, output: string | null): void {
  const gen = new Generator(shapes);
  const inValue = input ? (gen.value(input, `${op}.in`, false) as Record<string, unknown>) : {};
  const outValue = output ? (gen.value(output, `${op}.out`, false) as Record<string, unknown>) : {};
  for (const outcome of ['success', 'failure'] as const) {
    const e = buildAuditEvent(
      request({
        service,
        operation: op,
        input: inValue,
        ...(outcome === 'success' ? { output: outValue } : { error: { code: 'ValidationException', message: 'rejected' } }),
        keyArns: [KEY_ARN],
      }),
    );
    const text = JSON.stringify(e);
    for (const m of gen.secretMarkers) assert.ok(!text.includes(m), `${service}:${op} (${outcome}) recorded secret ${m}`);
  }
}

describe('no secret in any audit event', () => {
  const kms = JSON.parse(readReference('kms-2014-11-01.service-2.json')) as {
    operations: Record<string, { input?: { shape: string }; output?: { shape: string } }>;
    shapes: Record<string, Shape>;
  };

  it('every KMS operation of the API model, succeeding or failing', () => {
    let n = 0;
    for (const [op, def] of Object.entries(kms.operations)) {
      check('kms', op, kms.shapes, def.input?.shape ?? null, def.output?.shape ?? null);
      n++;
    }
    assert.ok(n >= 50, `only ${n} operations`);
  });

  it('every IAM and STS action Trent serves', () => {
    for (const [service, model] of [
      ['iam', IAM_MODEL],
      ['sts', STS_MODEL],
    ] as const) {
      for (const [op, def] of Object.entries(model.operations)) {
        check(service, op, model.shapes as unknown as Record<string, Shape>, def.input, def.output);
      }
    }
  });

  it('every KMS operation has a recording rule, and no rule names a secret member', () => {
    for (const op of Object.keys(kms.operations)) assert.ok(KMS_OPERATIONS[op], `no recording rule for kms:${op}`);
    const tables: [string, Readonly<Record<string, OperationSpec>>][] = [
      ['kms', KMS_OPERATIONS],
      ['iam', IAM_OPERATIONS],
      ['sts', STS_OPERATIONS],
      ['cloudtrail', CLOUDTRAIL_OPERATIONS],
    ];
    for (const [service, table] of tables) {
      for (const [op, spec] of Object.entries(table)) {
        const names = [...specMemberNames(spec.request), ...(spec.response ? specMemberNames(spec.response) : [])];
        for (const name of names) assert.ok(!SECRET_MEMBERS.has(name), `${service}:${op} allows secret member ${name}`);
      }
    }
  });

  it('markers of ordinary members do appear (the check above can fail)', () => {
    const gen = new Generator(kms.shapes);
    const input = gen.value('EncryptRequest', 'Encrypt.in', false) as Record<string, unknown>;
    const text = JSON.stringify(buildAuditEvent(request({ operation: 'Encrypt', input, output: {} })));
    assert.ok(text.includes('[[Encrypt.in.KeyId]]'));
    assert.ok(text.includes('[[Encrypt.in.EncryptionContext.key]]'));
    assert.ok(gen.secretMarkers.includes('[[Encrypt.in.Plaintext]]'));
    // And a rule that allowed Plaintext would be caught.
    const leaky = JSON.stringify(applySpec({ Plaintext: 'scalar' }, input));
    assert.ok(gen.secretMarkers.some((m) => leaky.includes(m)));
  });

  it('a secret cannot ride inside an allowed member of the wrong form', () => {
    const smuggled = {
      KeyId: { Plaintext: 'SMUGGLED-1' },
      EncryptionContext: { ok: 'fine', nested: { Plaintext: 'SMUGGLED-2' } as unknown as string, list: ['SMUGGLED-3'] as unknown as string },
      EncryptionAlgorithm: ['SMUGGLED-4'],
      GrantTokens: ['SMUGGLED-5'],
    };
    const e = buildAuditEvent(request({ operation: 'Encrypt', input: smuggled, output: {} }));
    const text = JSON.stringify(e);
    assert.ok(!text.includes('SMUGGLED'), text);
    assert.deepEqual(e.requestParameters, { encryptionContext: { ok: 'fine' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  });
});

/**
 * A write-heavy KMS load for crash tests, and the check that everything it
 * saw acknowledged survived. A writer stops at its first failed request (its
 * node died): that request was never acknowledged, so nothing is expected of
 * it, except a DisableKey or RotateKeyOnDemand, which may or may not have
 * committed. Each key also gets automatic rotation enabled and one on-demand
 * rotation, with ciphertext from before and after it.
 */
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListKeyRotationsCommand,
  ListGrantsCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_SECRET } from './trent.js';

export function crashClient(url: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  });
}

export interface Acknowledged {
  keys: string[];
  aliases: Map<string, string>;
  disabled: Set<string>;
  /** DisableKey sent but not acknowledged: it may or may not have committed. */
  maybeDisabled: Set<string>;
  tagged: Map<string, string>;
  /** Grant id -> key id. */
  grants: Map<string, string>;
  /** EnableKeyRotation acknowledged. */
  rotationEnabled: Set<string>;
  /** RotateKeyOnDemand acknowledged. */
  rotated: Set<string>;
  /** RotateKeyOnDemand sent but not acknowledged: it may or may not have committed. */
  maybeRotated: Set<string>;
  /** `rotated`: made after the key's on-demand rotation (else before any). */
  ciphertexts: { keyId: string; blob: Uint8Array; plaintext: Buffer; context: Record<string, string>; rotated: boolean }[];
}

export function newAcknowledged(): Acknowledged {
  return {
    keys: [],
    aliases: new Map(),
    disabled: new Set(),
    maybeDisabled: new Set(),
    tagged: new Map(),
    grants: new Map(),
    rotationEnabled: new Set(),
    rotated: new Set(),
    maybeRotated: new Set(),
    ciphertexts: [],
  };
}

export interface WriterOptions {
  /** Also CreateGrant for each key. */
  grants?: boolean;
  /** Called after each acknowledged request (for counting successes over time). */
  onAck?: () => void;
}

/** Writes until `stop.now` or the first failure; `name` keeps aliases of different writers apart. */
export async function writer(kms: KMSClient, name: string, ack: Acknowledged, stop: { now: boolean }, options: WriterOptions = {}): Promise<void> {
  const acked = options.onAck ?? (() => {});
  let n = 0;
  while (!stop.now) {
    try {
      const keyId = (await kms.send(new CreateKeyCommand({ Description: `${name}-${n}` }))).KeyMetadata!.KeyId!;
      ack.keys.push(keyId);
      acked();
      const alias = `alias/${name}-${n}`;
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
      ack.aliases.set(alias, keyId);
      acked();
      const plaintext = Buffer.from(`secret ${name}-${n}`);
      const context = { writer: name, n: String(n) };
      const enc = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: plaintext, EncryptionContext: context }));
      ack.ciphertexts.push({ keyId, blob: enc.CiphertextBlob!, plaintext, context, rotated: false });
      acked();
      if (options.grants) {
        const grant = await kms.send(
          new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: `arn:aws:iam::${TEST_ACCOUNT}:root`, Operations: ['Decrypt', 'Encrypt'], Name: `${name}-${n}` }),
        );
        ack.grants.set(grant.GrantId!, keyId);
        acked();
      }
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      ack.rotationEnabled.add(keyId);
      acked();
      ack.maybeRotated.add(keyId);
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
      ack.rotated.add(keyId);
      acked();
      const after = Buffer.from(`rotated ${name}-${n}`);
      const enc2 = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: after, EncryptionContext: context }));
      ack.ciphertexts.push({ keyId, blob: enc2.CiphertextBlob!, plaintext: after, context, rotated: true });
      acked();
      await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'n', TagValue: String(n) }] }));
      ack.tagged.set(keyId, String(n));
      acked();
      if (n % 3 === 0) {
        ack.maybeDisabled.add(keyId);
        await kms.send(new DisableKeyCommand({ KeyId: keyId }));
        ack.disabled.add(keyId);
        acked();
      }
      n++;
    } catch {
      return; // the node died mid-request: that request was never acknowledged
    }
  }
}

/** Asserts, through `kms`, that every acknowledged change is there; returns how many ciphertexts decrypted. */
export async function verifyAcknowledged(kms: KMSClient, ack: Acknowledged): Promise<number> {
  for (const keyId of ack.keys) {
    const md = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    if (ack.disabled.has(keyId)) assert.equal(md.KeyState, 'Disabled', keyId);
    else if (ack.maybeDisabled.has(keyId)) assert.ok(md.KeyState === 'Disabled' || md.KeyState === 'Enabled', keyId);
    else assert.equal(md.KeyState, 'Enabled', keyId);
  }
  for (const [alias, keyId] of ack.aliases) {
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.KeyId, keyId);
  }
  for (const [keyId, n] of ack.tagged) {
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags, [{ TagKey: 'n', TagValue: n }]);
  }
  for (const [grantId, keyId] of ack.grants) {
    const grants = (await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? [];
    assert.ok(grants.some((g) => g.GrantId === grantId), `grant ${grantId} of ${keyId}`);
  }
  for (const keyId of ack.rotationEnabled) {
    assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, true, keyId);
  }
  /** Key id -> its current material id after an acknowledged rotation. */
  const currentAfterRotation = new Map<string, string>();
  for (const keyId of ack.maybeRotated) {
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations ?? [];
    const current = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId!;
    if (ack.rotated.has(keyId)) assert.equal(rotations.length, 1, keyId);
    else assert.ok(rotations.length <= 1, keyId);
    if (rotations.length === 1) {
      assert.deepEqual([rotations[0].RotationType, rotations[0].KeyMaterialId], ['ON_DEMAND', current], keyId);
      currentAfterRotation.set(keyId, current);
    }
  }
  let decrypted = 0;
  for (const c of ack.ciphertexts) {
    try {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: c.blob, EncryptionContext: c.context }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), c.plaintext);
      // Ciphertext from after the rotation is under the rotated material; from before, under the first.
      const rotatedTo = currentAfterRotation.get(c.keyId);
      if (c.rotated) assert.equal(dec.KeyMaterialId, rotatedTo, c.keyId);
      else if (rotatedTo !== undefined) assert.notEqual(dec.KeyMaterialId, rotatedTo, c.keyId);
      decrypted++;
    } catch (e) {
      // a key disabled after the encrypt refuses to decrypt; everything else must decrypt
      assert.equal((e as Error).name, 'DisabledException');
    }
  }
  return decrypted;
}

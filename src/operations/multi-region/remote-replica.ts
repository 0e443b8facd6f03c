/**
 * Replicas in another Trent deployment. The primary's deployment seals every
 * material version to the peer's pinned replication public key and sends the
 * replica's properties in one SigV4-signed TrentAcceptReplica request; the
 * peer opens the material with its own replication key, wraps it under its
 * own root key and creates the replica. Plaintext material exists only in
 * the two processes' memory. Each side keeps the other's regions in
 * KeyRecord.peerRegions, so DescribeKey lists them.
 */
import { allMaterials } from '../all-materials.js';
import { err, KmsError } from '../../domain/errors.js';
import { isMultiRegionKeyId, keyArn } from '../../domain/key-ids.js';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../domain/key-model.js';
import { defaultKeyPolicy } from '../../domain/key-policy.js';
import { isKeySpec, isKeyUsage, isKeyUsageCompatible } from '../../domain/key-specs.js';
import { checkRequestTags } from '../../domain/tags.js';
import { envelopeAad, openFromPeer, sealToPeer } from '../../crypto/replication-envelope.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import { acceptKeyPolicy } from '../authorization/key-policy-document.js';
import { noteKey, type Deps, type Handler, type RequestContext } from '../context.js';
import { materialAad } from '../material-cache.js';
import { mutateKey } from '../mutate-key.js';
import { replicaCreatedResponse } from './configuration.js';
import { ACCEPT_REPLICA, type PeerLink } from './peers.js';

/** The shared properties a replica in another deployment receives. */
interface WireKey {
  keyId: string;
  keySpec: string;
  keyUsage: string;
  origin: string;
  primaryRegion: string;
  currentMaterialVersion: number;
  currentMaterialId: string;
  publicKey?: string;
  /** The primary's rotation settings, which a replica reports (GetKeyRotationStatus). */
  rotation?: KeyRecord['rotation'];
}

export interface WireMaterial {
  version: number;
  materialId: string;
  createdAt: number;
  envelope: string;
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND';
}

export async function sealMaterials(primary: KeyRecord, toRegion: string, peer: PeerLink, deps: Deps, afterVersion = 0): Promise<WireMaterial[]> {
  const out: WireMaterial[] = [];
  for (const m of await allMaterials(deps.store, primary.accountId, primary.region, primary.keyId)) {
    if (m.version <= afterVersion) continue;
    const plain = await deps.materials.get(primary.accountId, primary.region, primary.keyId, m.version);
    if (!plain) throw err.internal();
    const aad = envelopeAad(primary.accountId, primary.keyId, m.version, toRegion);
    const envelope = sealToPeer(peer.publicKeyDer, plain.material, aad);
    out.push({ version: m.version, materialId: m.materialId, createdAt: m.createdAt, envelope, ...(m.rotationType ? { rotationType: m.rotationType } : {}) });
  }
  return out;
}

/** Every region of the key this deployment knows: its own rows and the peers' regions they list. */
export async function knownRegions(accountId: string, keyId: string, deps: Deps): Promise<string[]> {
  const regions = new Set<string>();
  for (const k of await deps.store.multiRegionKeys(accountId, keyId)) {
    regions.add(k.region);
    for (const r of k.peerRegions ?? []) regions.add(r);
  }
  return [...regions].sort();
}

/** ReplicateKey into a region a peer deployment serves; the caller was authorized as for a local replica. */
export async function replicateToPeer(primary: KeyRecord, peer: PeerLink, input: Record<string, any>, deps: Deps): Promise<Record<string, unknown>> {
  const region = peer.region;
  if ((primary.peerRegions ?? []).includes(region)) throw err.alreadyExists(`Replica key ${keyArn(region, primary.accountId, primary.keyId)} already exists.`);
  const key: WireKey = {
    keyId: primary.keyId,
    keySpec: primary.keySpec,
    keyUsage: primary.keyUsage,
    origin: primary.origin,
    primaryRegion: primary.region,
    currentMaterialVersion: primary.currentMaterialVersion,
    currentMaterialId: primary.currentMaterialId,
    ...(primary.publicKey !== undefined && primary.origin !== 'EXTERNAL' ? { publicKey: primary.publicKey } : {}),
    ...(primary.rotation !== undefined ? { rotation: primary.rotation } : {}),
  };
  const body = {
    Key: key,
    ReplicaRegion: region,
    KnownRegions: await knownRegions(primary.accountId, primary.keyId, deps),
    // Imported material is never copied between regions: it is imported into the replica there.
    Materials: primary.origin === 'EXTERNAL' ? [] : await sealMaterials(primary, region, peer, deps),
    ...pick(input, ['Description', 'Policy', 'Tags', 'BypassPolicyLockoutSafetyCheck']),
  };
  const answer = await peer.call(ACCEPT_REPLICA, body);
  await mutateKey(primary, deps, (k) => {
    k.peerRegions = [...new Set([...(k.peerRegions ?? []), region])].sort();
    return k;
  });
  return answer;
}

function pick(input: Record<string, any>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) if (input[n] !== undefined) out[n] = input[n];
  return out;
}

function bad(message: string): KmsError {
  return err.validation(`Invalid replica request: ${message}`);
}

/** Structural checks of a TrentAcceptReplica body (it is not in the KMS API model). */
function checkWireKey(input: Record<string, any>): { key: WireKey; materials: WireMaterial[] } {
  const key = input.Key as WireKey | undefined;
  if (!key || typeof key !== 'object') throw bad('Key is required');
  if (typeof key.keyId !== 'string' || !isMultiRegionKeyId(key.keyId)) throw bad('Key.keyId must be a multi-Region key id');
  if (!isKeySpec(key.keySpec) || !isKeyUsage(key.keyUsage) || !isKeyUsageCompatible(key.keySpec, key.keyUsage)) throw bad('key spec and usage');
  if (typeof key.primaryRegion !== 'string' || !/^([a-z]+-){2,3}\d+$/.test(key.primaryRegion)) throw bad('Key.primaryRegion');
  if (!Number.isInteger(key.currentMaterialVersion) || typeof key.currentMaterialId !== 'string') throw bad('current material');
  const materials = input.Materials as WireMaterial[] | undefined;
  const external = key.origin === 'EXTERNAL';
  if (!Array.isArray(materials) || (materials.length === 0 && !external)) throw bad('Materials are required');
  if (external && materials.length > 0) throw bad('imported key material is never sent between deployments');
  for (const m of materials) {
    if (!Number.isInteger(m.version) || m.version < 1 || typeof m.materialId !== 'string' || typeof m.envelope !== 'string' || !Number.isFinite(m.createdAt)) {
      throw bad('material version');
    }
  }
  if (!external && !materials.some((m) => m.version === key.currentMaterialVersion)) throw bad('the current material version is missing');
  return { key, materials };
}

/** Opens sealed versions for `region` and wraps them under this deployment's root key. */
export async function openMaterials(
  accountId: string,
  keyId: string,
  region: string,
  materials: WireMaterial[],
  deps: Deps,
): Promise<{ records: KeyMaterialRecord[]; plaintexts: Buffer[] }> {
  const replication = deps.replication!;
  const records: KeyMaterialRecord[] = [];
  const plaintexts: Buffer[] = [];
  for (const m of materials) {
    let plain: Buffer;
    try {
      plain = openFromPeer(replication.identity.privateKey, replication.identity.publicKeyDer, m.envelope, envelopeAad(accountId, keyId, m.version, region));
    } catch {
      throw bad(`material version ${m.version} could not be opened with this deployment's replication key`);
    }
    const record: KeyMaterialRecord = { accountId, region, keyId, version: m.version, materialId: m.materialId, wrapped: Buffer.alloc(0), createdAt: m.createdAt };
    if (m.rotationType === 'AUTOMATIC' || m.rotationType === 'ON_DEMAND') record.rotationType = m.rotationType;
    record.wrapped = await deps.rootKey.wrap(plain, materialAad(record));
    records.push(record);
    plaintexts.push(plain);
  }
  return { records, plaintexts };
}

/** TrentAcceptReplica: a peer deployment creates a replica here, in the region the request is signed for. */
export const acceptReplica: Handler = async (input, ctx: RequestContext, deps) => {
  if (!deps.replication) throw err.unsupported('This deployment does not accept multi-Region replicas from peers.');
  const { key, materials } = checkWireKey(input);
  const region = ctx.region;
  if (input.ReplicaRegion !== region) throw bad('ReplicaRegion must be the region the request is signed for');
  if (key.primaryRegion === region) throw bad('the primary region is this region');
  const accountId = ctx.caller.accountId;
  const tags: Tag[] = input.Tags ?? [];
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  const facts = { keySpec: key.keySpec, keyUsage: key.keyUsage, keyOrigin: key.origin, multiRegion: true, requestTags: input.Tags, bypassPolicyLockoutSafetyCheck: bypass };
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', facts);
  if (input.Tags !== undefined) await authorizeAccountAction(deps, ctx, 'TagResource', '*', facts);
  checkRequestTags(tags);
  const arn = keyArn(region, accountId, key.keyId);
  if (input.Policy !== undefined) await acceptKeyPolicy(input.Policy, accountId, arn, bypass, ctx, deps);
  if (await deps.store.getKey(accountId, region, key.keyId)) throw err.alreadyExists(`Replica key ${arn} already exists.`);

  const { records } = await openMaterials(accountId, key.keyId, region, materials, deps);
  const replica: KeyRecord = {
    accountId,
    region,
    keyId: key.keyId,
    createdAt: deps.clock.now(),
    description: typeof input.Description === 'string' ? input.Description : '',
    keySpec: key.keySpec,
    keyUsage: key.keyUsage,
    origin: key.origin,
    state: key.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    multiRegion: true,
    primaryRegion: key.primaryRegion,
    peerRegions: (Array.isArray(input.KnownRegions) ? (input.KnownRegions as string[]) : [key.primaryRegion]).filter((r) => r !== region).sort(),
    policy: typeof input.Policy === 'string' ? input.Policy : defaultKeyPolicy(accountId),
    tags,
    currentMaterialVersion: key.currentMaterialVersion,
    currentMaterialId: key.currentMaterialId,
    ...(key.publicKey !== undefined ? { publicKey: key.publicKey } : {}),
    ...(key.rotation && typeof key.rotation === 'object' ? { rotation: key.rotation } : {}),
    revision: 1,
  };
  if (!(await deps.store.createReplicaKey(replica, records))) throw err.alreadyExists(`Replica key ${arn} already exists.`);
  noteKey(ctx, arn);
  return replicaCreatedResponse(replica, tags, deps);
};

/**
 * Replication between Trent deployments that serve different regions. A
 * deployment holding a primary knows, per remote region, the peer deployment
 * that serves it (operator-configured): where to reach it, the X25519 public
 * key it pinned for it, and how to send it a signed request. A deployment
 * receiving replicas opens material sealed to its own replication key.
 */
import type { KeyObject } from 'node:crypto';

export interface PeerLink {
  region: string;
  /** The peer's replication public key (SPKI DER), as pinned by this deployment's operator. */
  publicKeyDer: Buffer;
  /** Sends one Trent replication operation to the peer, SigV4-signed for `region`; resolves with its JSON answer or rejects with its KmsError. */
  call(operation: string, body: object): Promise<Record<string, any>>;
}

export interface Replication {
  /** The peer serving `region`, when another deployment does. */
  peers: ReadonlyMap<string, PeerLink>;
  /** This deployment's own replication key, to open material sealed to it. */
  identity: { publicKeyDer: Buffer; privateKey: KeyObject };
}

/** Operations one Trent deployment sends another (X-Amz-Target TrentService.<name>; not part of the KMS API). */
export const ACCEPT_REPLICA = 'TrentAcceptReplica';
export const ACCEPT_MATERIAL = 'TrentAcceptMaterial';
/** A replica's deployment tells the primary's that a replica there is gone (the primary's side then asks, see remote-deletion.ts). */
export const REPLICA_DELETED = 'TrentReplicaDeleted';
/** The primary's deployment asks whether its replica in the signed-for region still exists. */
export const DESCRIBE_REPLICA = 'TrentDescribeReplica';
/** The primary's deployment asks the peer holding a replica to take the primary role (UpdatePrimaryRegion). */
export const PROMOTE_REPLICA = 'TrentPromoteReplica';

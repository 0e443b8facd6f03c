/**
 * Establishes who sent a request: SigV4 verification against the stored
 * access key, or, in development mode, trust in whatever credentials were
 * sent (a 12-digit access key id selects that account).
 */
import { KmsError } from '../../domain/errors.js';
import { accountRootArn } from '../../domain/key-ids.js';
import type { Caller } from '../../operations/context.js';
import type { Clock } from '../../ports/clock.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import type { CredentialLookup } from '../identity/credentials.js';
import { SigV4Verifier, parseAuthorization, type IncomingSignedRequest } from './sigv4.js';

export interface Authenticated {
  caller: Caller;
  region: string;
  service: string;
}

export interface Authenticator {
  authenticate(req: IncomingSignedRequest): Promise<Authenticated>;
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Keys live in (account, region): the scope's region must look like one. */
function checkRegion(region: string): void {
  if (!REGION.test(region)) {
    throw new KmsError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `);
  }
}

export class SigV4Authenticator implements Authenticator {
  private readonly verifier = new SigV4Verifier();

  constructor(
    private readonly credentials: CredentialLookup,
    private readonly clock: Clock,
  ) {}

  async authenticate(req: IncomingSignedRequest): Promise<Authenticated> {
    const auth = parseAuthorization(req);
    checkRegion(auth.region);
    const found = await this.credentials.find(auth.accessKeyId);
    if (!found) throw new KmsError('UnrecognizedClientException', INVALID_TOKEN);
    if (auth.securityToken !== undefined) throw new KmsError('UnrecognizedClientException', INVALID_TOKEN);
    this.verifier.verify(req, auth, found.secret, this.clock.now());
    const r = found.record;
    return {
      caller: {
        accountId: r.accountId,
        arn: r.principalArn,
        principalType: r.principalType,
        accessKeyId: r.accessKeyId,
        userId: r.principalType === 'Root' ? r.accountId : r.accessKeyId,
      },
      region: auth.region,
      service: auth.service,
    };
  }
}

export const DEV_DEFAULT_ACCOUNT = '000000000000';
export const DEV_DEFAULT_REGION = 'us-east-1';

/** Development mode: no signature checks. Never the default. */
export class DevAuthenticator implements Authenticator {
  private readonly known = new Set<string>();

  constructor(
    private readonly store: IdentityStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(req: IncomingSignedRequest): Promise<Authenticated> {
    let accessKeyId = 'dev';
    let region = DEV_DEFAULT_REGION;
    let service = 'kms';
    if (req.headers.authorization !== undefined) {
      const auth = parseAuthorization(req);
      checkRegion(auth.region);
      accessKeyId = auth.accessKeyId;
      region = auth.region;
      service = auth.service;
    }
    const accountId = /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEV_DEFAULT_ACCOUNT;
    if (!this.known.has(accountId)) {
      await this.store.ensureAccount(accountId, this.clock.now());
      this.known.add(accountId);
    }
    return {
      caller: { accountId, arn: accountRootArn(accountId), principalType: 'Root', accessKeyId, userId: accountId },
      region,
      service,
    };
  }
}

/**
 * Establishes who sent a request: SigV4 verification against the stored
 * access key or temporary session credentials, or, in development mode, trust
 * in whatever credentials were sent (a 12-digit access key id selects that
 * account).
 *
 * Long-term keys must not carry a security token; session credentials verify
 * only with their own token (X-Amz-Security-Token) and before they expire.
 * Expiry is judged by the injectable clock (so tests can move it); the SigV4
 * clock-skew window always uses real time.
 */
import { KmsError } from '../../domain/errors.js';
import { accountRootArn } from '../../domain/key-ids.js';
import type { Caller } from '../../operations/context.js';
import type { Clock } from '../../ports/clock.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import { sessionTokenMatches, type ActiveCredential, type CredentialLookup } from '../identity/credentials.js';
import { SigV4Verifier, parseAuthorization, type IncomingSignedRequest } from './sigv4.js';

export interface Authenticated {
  caller: Caller;
  region: string;
  service: string;
  /** A long-term access key, or temporary credentials from AssumeRole / GetSessionToken. */
  credential: 'long-term' | 'session';
  /** Sessions only: when the credentials were issued (epoch ms). */
  issuedAt?: number;
}

export interface Authenticator {
  authenticate(req: IncomingSignedRequest): Promise<Authenticated>;
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN = 'The security token included in the request is expired';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Keys live in (account, region): the scope's region must look like one. */
function checkRegion(region: string): void {
  if (!REGION.test(region)) {
    throw new KmsError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `);
  }
}

export class SigV4Authenticator implements Authenticator {
  private readonly verifier = new SigV4Verifier();

  /**
   * @param clock real time, for the SigV4 clock-skew window
   * @param sessionClock the clock session expiry is judged by (defaults to `clock`)
   */
  constructor(
    private readonly credentials: CredentialLookup,
    private readonly clock: Clock,
    private readonly sessionClock: Clock = clock,
  ) {}

  async authenticate(req: IncomingSignedRequest): Promise<Authenticated> {
    const auth = parseAuthorization(req);
    checkRegion(auth.region);
    const found = await this.credentials.find(auth.accessKeyId);
    if (!found) throw new KmsError('UnrecognizedClientException', INVALID_TOKEN);
    if (found.kind === 'long-term') {
      if (auth.securityToken !== undefined) throw new KmsError('UnrecognizedClientException', INVALID_TOKEN);
    } else {
      if (auth.securityToken === undefined || !sessionTokenMatches(found.session, auth.securityToken)) {
        throw new KmsError('UnrecognizedClientException', INVALID_TOKEN);
      }
      if (this.sessionClock.now() >= found.session.expiresAt) throw new KmsError('ExpiredTokenException', EXPIRED_TOKEN);
    }
    this.verifier.verify(req, auth, found.secret, this.clock.now());
    const out: Authenticated = { caller: callerOf(found), region: auth.region, service: auth.service, credential: 'long-term' };
    if (found.kind === 'session') {
      out.credential = 'session';
      out.issuedAt = found.session.createdAt;
    }
    return out;
  }
}

/** The Caller a verified credential stands for, with every field its kind of principal has. */
export function callerOf(found: ActiveCredential): Caller {
  if (found.kind === 'long-term') {
    const r = found.record;
    if (r.principalType === 'IAMUser') {
      return {
        accountId: r.accountId,
        arn: r.principalArn,
        principalType: 'IAMUser',
        accessKeyId: r.accessKeyId,
        userId: r.userId ?? r.accessKeyId,
        ...(r.userName !== undefined ? { userName: r.userName } : {}),
      };
    }
    return { accountId: r.accountId, arn: r.principalArn, principalType: r.principalType, accessKeyId: r.accessKeyId, userId: r.accountId };
  }
  const s = found.session;
  const base = { accountId: s.accountId, arn: s.principalArn, principalType: s.principalType, accessKeyId: s.accessKeyId };
  const tags = s.tags.length > 0 ? { principalTags: Object.fromEntries(s.tags.map((t) => [t.Key, t.Value])) } : {};
  if (s.principalType === 'AssumedRole') {
    return {
      ...base,
      userId: `${s.principalId}:${s.sessionName ?? ''}`,
      ...(s.roleArn !== undefined ? { roleArn: s.roleArn } : {}),
      ...(s.roleName !== undefined ? { roleName: s.roleName } : {}),
      ...(s.sessionName !== undefined ? { sessionName: s.sessionName } : {}),
      ...tags,
    };
  }
  if (s.principalType === 'IAMUser') {
    return { ...base, userId: s.principalId, ...(s.userName !== undefined ? { userName: s.userName } : {}), ...tags };
  }
  return { ...base, userId: s.accountId };
}

export const DEV_DEFAULT_ACCOUNT = '000000000000';
export const DEV_DEFAULT_REGION = 'us-east-1';

/** Accounts remembered as existing by development mode (a bound on memory; forgetting one only costs an idempotent insert). */
const KNOWN_ACCOUNTS_CAP = 10_000;

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
      if (this.known.size >= KNOWN_ACCOUNTS_CAP) this.known.clear();
      this.known.add(accountId);
    }
    return {
      caller: { accountId, arn: accountRootArn(accountId), principalType: 'Root', accessKeyId, userId: accountId },
      region,
      service,
      credential: 'long-term',
    };
  }
}

/** STS actions served over the query protocol (API version 2011-06-15). */
import type { QueryHandler } from '../context.js';
import { assumeRole } from './assume-role.js';
import { getCallerIdentity, getSessionToken } from './identity.js';

export const STS_HANDLERS: Readonly<Record<string, QueryHandler>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
};

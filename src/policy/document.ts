/**
 * Parsing, validation and compilation of a policy document (IAM "JSON policy
 * elements reference"). A parsed policy is compiled once: action patterns
 * lower-cased and precompiled, resource and condition values precompiled
 * unless they hold policy variables, principals normalised to sets.
 *
 * Kinds: `resource` (KMS key policies: Principal or NotPrincipal required,
 * Resource optional), `identity` (IAM policies: no principal, Resource or
 * NotResource required), `trust` (role trust policies: principal required,
 * no Resource). Pure.
 */
import { PolicyDocumentError } from './errors.js';
import { compileCondition, parseOperator, type CompiledCondition } from './operators.js';
import { compilePrincipal } from './principals.js';
import type { CompiledStatement, Effect, ParsedPolicy, PolicyKind, PolicyVersion } from './types.js';
import { compileTemplate } from './variables.js';
import { compileGlob } from './wildcards.js';

export { PolicyDocumentError } from './errors.js';

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const ACTION = /^(?:\*|[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+)$/;

export function parsePolicy(text: string, kind: PolicyKind): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new PolicyDocumentError('The policy is not valid JSON.');
  }
  return compilePolicy(doc, kind);
}

/** As parsePolicy, for a document already decoded from JSON. */
export function compilePolicy(doc: unknown, kind: PolicyKind): ParsedPolicy {
  if (!isObject(doc)) throw new PolicyDocumentError('The policy must be a JSON object.');
  for (const k of Object.keys(doc)) {
    if (!TOP_LEVEL.has(k)) throw new PolicyDocumentError(`The policy contains an unsupported element: ${k}`);
  }
  const version = parseVersion(doc.Version);
  if (doc.Id !== undefined && typeof doc.Id !== 'string') throw new PolicyDocumentError('The policy Id must be a string.');
  if (doc.Statement === undefined) throw new PolicyDocumentError('The policy must contain a Statement element.');
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (raw.length === 0) throw new PolicyDocumentError('The policy must contain at least one statement.');
  const sids = new Set<string>();
  const statements = raw.map((s, index) => {
    const st = compileStatement(s, index, kind, version === '2012-10-17');
    if (st.sid !== undefined) {
      if (sids.has(st.sid)) throw new PolicyDocumentError(`Statement IDs (SID) in a single policy must be unique: ${st.sid}`);
      sids.add(st.sid);
    }
    return st;
  });
  return { kind, version, ...(doc.Id !== undefined ? { id: doc.Id as string } : {}), statements };
}

/** A missing Version means 2008-10-17 (IAM: the default), which does not substitute policy variables. */
function parseVersion(v: unknown): PolicyVersion {
  if (v === undefined) return '2008-10-17';
  if (v === '2012-10-17' || v === '2008-10-17') return v;
  throw new PolicyDocumentError(`The policy has an invalid Version: ${String(v)}. Use 2012-10-17 or 2008-10-17.`);
}

function compileStatement(s: unknown, index: number, kind: PolicyKind, variables: boolean): CompiledStatement {
  if (!isObject(s)) throw new PolicyDocumentError('Each policy statement must be a JSON object.');
  for (const k of Object.keys(s)) {
    if (!STATEMENT.has(k)) throw new PolicyDocumentError(`Policy statement contains an unsupported element: ${k}`);
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') throw new PolicyDocumentError('Policy statement Sid must be a string.');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyDocumentError('Policy statement Effect must be Allow or Deny.');
  const effect: Effect = s.Effect;

  const hasPrincipal = s.Principal !== undefined;
  const hasNotPrincipal = s.NotPrincipal !== undefined;
  let principal: CompiledStatement['principal'];
  if (kind === 'identity') {
    if (hasPrincipal || hasNotPrincipal) throw new PolicyDocumentError('Policy document should not specify a principal.');
  } else {
    if (hasPrincipal === hasNotPrincipal) {
      throw new PolicyDocumentError('Policy statement must contain exactly one of Principal or NotPrincipal.');
    }
    principal = { negated: hasNotPrincipal, matcher: compilePrincipal(hasPrincipal ? s.Principal : s.NotPrincipal) };
  }

  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    throw new PolicyDocumentError('Policy statement must contain exactly one of Action or NotAction.');
  }
  const actionNegated = s.NotAction !== undefined;
  const action = {
    negated: actionNegated,
    patterns: stringList(actionNegated ? s.NotAction : s.Action, actionNegated ? 'NotAction' : 'Action').map((a) => {
      if (!ACTION.test(a)) throw new PolicyDocumentError(`Policy statement has an invalid action: ${a}`);
      return compileGlob(a, true);
    }),
  };

  const hasResource = s.Resource !== undefined;
  const hasNotResource = s.NotResource !== undefined;
  if (hasResource && hasNotResource) throw new PolicyDocumentError('Policy statement must not contain both Resource and NotResource.');
  if (kind === 'identity' && !hasResource && !hasNotResource) {
    throw new PolicyDocumentError('Policy statement must contain exactly one of Resource or NotResource.');
  }
  if (kind === 'trust' && (hasResource || hasNotResource)) {
    throw new PolicyDocumentError('A trust policy statement must not contain Resource or NotResource.');
  }
  let resource: CompiledStatement['resource'];
  if (hasResource || hasNotResource) {
    const name = hasResource ? 'Resource' : 'NotResource';
    resource = {
      negated: hasNotResource,
      patterns: stringList(hasResource ? s.Resource : s.NotResource, name).map((r) => {
        if (r !== '*' && !r.startsWith('arn:')) throw new PolicyDocumentError(`Policy statement has an invalid resource: ${r}`);
        return compileTemplate(r, { variables });
      }),
    };
  }

  const conditions = s.Condition === undefined ? [] : compileConditions(s.Condition, variables);
  return {
    index,
    ...(s.Sid !== undefined ? { sid: s.Sid as string } : {}),
    effect,
    ...(principal ? { principal } : {}),
    action,
    ...(resource ? { resource } : {}),
    conditions,
  };
}

function compileConditions(raw: unknown, variables: boolean): CompiledCondition[] {
  if (!isObject(raw)) throw new PolicyDocumentError('Policy statement Condition must be an object of condition operators.');
  const out: CompiledCondition[] = [];
  for (const [operator, body] of Object.entries(raw)) {
    const parsed = parseOperator(operator);
    if (!parsed) throw new PolicyDocumentError(`Policy statement has an unknown condition operator: ${operator}`);
    if (!isObject(body) || Object.keys(body).length === 0) {
      throw new PolicyDocumentError(`Condition operator ${operator} must map one or more condition keys to values.`);
    }
    for (const [key, value] of Object.entries(body)) {
      if (key === '') throw new PolicyDocumentError(`Condition operator ${operator} has an empty condition key.`);
      out.push(compileCondition(operator, parsed, key, value, variables));
    }
  }
  return out;
}

function stringList(v: unknown, element: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PolicyDocumentError(`Policy statement ${element} must not be empty.`);
  for (const x of list) {
    if (typeof x !== 'string' || x === '') throw new PolicyDocumentError(`Policy statement ${element} must be a string or an array of strings.`);
  }
  return list as string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

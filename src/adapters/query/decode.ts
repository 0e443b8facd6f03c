/**
 * Decoding and validation of query-protocol input against the API model
 * (model.generated.ts): scalars by name, lists as `Name.member.N` (structures
 * as `Name.member.N.Field`), integers and booleans converted. Constraint
 * violations are reported as IAM/STS do, in AWS's (Coral) wording:
 *
 *   1 validation error detected: Value 'a b' at 'userName' failed to satisfy
 *   constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+
 *
 * with lowerCamelCase paths (`tags.1.member.key`), at most 10 violations,
 * and for one value the order length, range, pattern, enum. Unknown
 * parameters are ignored.
 */
import { iamErr } from '../../domain/iam/errors.js';
import type { QueryModel, QueryShapeDef } from './model.generated.js';

const MAX_VIOLATIONS = 10;

export type Params = ReadonlyMap<string, string>;

/** Decodes and validates the input of an operation; throws ValidationError. */
export function decodeInput(model: QueryModel, shapeName: string | null, params: Params): Record<string, unknown> {
  if (shapeName === null) return {};
  const violations: string[] = [];
  const out = decodeStructure(model, model.shapes[shapeName], '', '', params, violations) ?? {};
  if (violations.length > 0) {
    const shown = violations.slice(0, MAX_VIOLATIONS);
    throw iamErr.validation(`${shown.length} validation error${shown.length === 1 ? '' : 's'} detected: ${shown.join('; ')}`);
  }
  return out;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function decodeStructure(
  model: QueryModel,
  shape: QueryShapeDef,
  prefix: string,
  path: string,
  params: Params,
  violations: string[],
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    const key = prefix + name;
    const memberPath = path === '' ? lowerCamel(name) : `${path}.${lowerCamel(name)}`;
    const value = decodeValue(model, member.shape, key, memberPath, params, violations);
    if (value === undefined) {
      if (member.required) violations.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    out[name] = value;
  }
  return out;
}

function decodeValue(model: QueryModel, shapeName: string, key: string, path: string, params: Params, violations: string[]): unknown {
  const shape = model.shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      if (![...params.keys()].some((k) => k.startsWith(key + '.'))) return undefined;
      return decodeStructure(model, shape, key + '.', path, params, violations);
    }
    case 'list':
      return decodeList(model, shape, key, path, params, violations);
    default: {
      const raw = params.get(key);
      if (raw === undefined) return undefined;
      return decodeScalar(shape, raw, path, violations);
    }
  }
}

function decodeList(model: QueryModel, shape: QueryShapeDef, key: string, path: string, params: Params, violations: string[]): unknown[] | undefined {
  const head = `${key}.member.`;
  const indices = new Set<number>();
  for (const k of params.keys()) {
    if (!k.startsWith(head)) continue;
    const m = /^(\d+)(?:\.|$)/.exec(k.slice(head.length));
    if (m) indices.add(Number(m[1]));
  }
  if (indices.size === 0) return params.has(key) ? [] : undefined;
  const items: unknown[] = [];
  for (const n of [...indices].sort((a, b) => a - b)) {
    const item = decodeValue(model, shape.member!, `${head}${n}`, `${path}.${n}.member`, params, violations);
    if (item !== undefined) items.push(item);
  }
  checkLength(shape, items.length, `[${items.length} items]`, path, violations);
  return items;
}

function decodeScalar(shape: QueryShapeDef, raw: string, path: string, violations: string[]): unknown {
  if (shape.type === 'integer' || shape.type === 'long') {
    if (!/^-?\d{1,15}$/.test(raw)) {
      violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must be an integer`);
      return undefined;
    }
    const n = Number(raw);
    if (shape.min !== undefined && n < shape.min) {
      violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must have value greater than or equal to ${shape.min}`);
    } else if (shape.max !== undefined && n > shape.max) {
      violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must have value less than or equal to ${shape.max}`);
    }
    return n;
  }
  if (shape.type === 'boolean') {
    const lower = raw.toLowerCase();
    if (lower !== 'true' && lower !== 'false') {
      violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must be a boolean`);
      return undefined;
    }
    return lower === 'true';
  }
  checkLength(shape, [...raw].length, raw, path, violations);
  if (shape.pattern !== undefined && !patternFor(shape.pattern).test(raw)) {
    violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  if (shape.enum !== undefined && !shape.enum.includes(raw)) {
    violations.push(`${valueAt(raw, path, shape)} failed to satisfy constraint: Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  return raw;
}

function checkLength(shape: QueryShapeDef, length: number, shown: string, path: string, violations: string[]): void {
  if (shape.max !== undefined && length > shape.max) {
    violations.push(`${valueAt(shown, path, shape)} failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
  } else if (shape.min !== undefined && length < shape.min) {
    violations.push(`${valueAt(shown, path, shape)} failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
  }
}

function valueAt(value: string, path: string, shape: QueryShapeDef): string {
  return shape.sensitive ? `Value at '${path}'` : `Value '${value}' at '${path}'`;
}

const patterns = new Map<string, RegExp>();

/** AWS patterns are Java regular expressions that must match the whole value. */
function patternFor(javaPattern: string): RegExp {
  let re = patterns.get(javaPattern);
  if (!re) {
    const source = `^(?:${javaPattern})$`;
    try {
      re = new RegExp(source, 'u');
    } catch {
      re = new RegExp(source);
    }
    patterns.set(javaPattern, re);
  }
  return re;
}

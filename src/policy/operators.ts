/**
 * The condition operator catalogue and the compilation of one
 * `"Operator": {"key": value | [values]}` entry: operator name parsing
 * (`ForAnyValue:` / `ForAllValues:` qualifiers, `IfExists` suffix) and
 * validation of the policy values for the operator's family. Pure.
 */
import { parseDate } from './dates.js';
import { PolicyDocumentError } from './errors.js';
import { parseCidr, type Cidr } from './ip.js';
import { compileTemplate, type Template } from './variables.js';
import { splitGlob, type Glob } from './wildcards.js';

export type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
/** eq / eqi / like: string tests; lt..ge: ordering; the rest are family-specific. */
export type Test = 'eq' | 'eqi' | 'like' | 'lt' | 'le' | 'gt' | 'ge' | 'arn' | 'ip' | 'bool' | 'bin' | 'null';

export interface BaseOperator {
  readonly name: string;
  readonly family: Family;
  readonly test: Test;
  /** A negated operator holds for a request value that matches none of the policy values. */
  readonly negated: boolean;
}

const TABLE: ReadonlyArray<[string, Family, Test, boolean]> = [
  ['StringEquals', 'String', 'eq', false],
  ['StringNotEquals', 'String', 'eq', true],
  ['StringEqualsIgnoreCase', 'String', 'eqi', false],
  ['StringNotEqualsIgnoreCase', 'String', 'eqi', true],
  ['StringLike', 'String', 'like', false],
  ['StringNotLike', 'String', 'like', true],
  ['NumericEquals', 'Numeric', 'eq', false],
  ['NumericNotEquals', 'Numeric', 'eq', true],
  ['NumericLessThan', 'Numeric', 'lt', false],
  ['NumericLessThanEquals', 'Numeric', 'le', false],
  ['NumericGreaterThan', 'Numeric', 'gt', false],
  ['NumericGreaterThanEquals', 'Numeric', 'ge', false],
  ['DateEquals', 'Date', 'eq', false],
  ['DateNotEquals', 'Date', 'eq', true],
  ['DateLessThan', 'Date', 'lt', false],
  ['DateLessThanEquals', 'Date', 'le', false],
  ['DateGreaterThan', 'Date', 'gt', false],
  ['DateGreaterThanEquals', 'Date', 'ge', false],
  ['Bool', 'Bool', 'bool', false],
  ['BinaryEquals', 'Binary', 'bin', false],
  ['IpAddress', 'Ip', 'ip', false],
  ['NotIpAddress', 'Ip', 'ip', true],
  // AWS documents ArnEquals and ArnLike identically (per-segment, wildcards allowed).
  ['ArnEquals', 'Arn', 'arn', false],
  ['ArnLike', 'Arn', 'arn', false],
  ['ArnNotEquals', 'Arn', 'arn', true],
  ['ArnNotLike', 'Arn', 'arn', true],
  ['Null', 'Null', 'null', false],
];

const BASE = new Map<string, BaseOperator>(TABLE.map(([name, family, test, negated]) => [name, { name, family, test, negated }]));

export const OPERATOR_NAMES: readonly string[] = TABLE.map((r) => r[0]);

export type Qualifier = 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperator {
  readonly base: BaseOperator;
  readonly qualifier: Qualifier | null;
  readonly ifExists: boolean;
}

/** Parses `[ForAnyValue:|ForAllValues:]Base[IfExists]` (case-sensitive); null when not an operator. */
export function parseOperator(name: string): ParsedOperator | null {
  let rest = name;
  let qualifier: Qualifier | null = null;
  for (const q of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
    }
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BASE.get(rest);
  if (!base) return null;
  if (base.family === 'Null' && (ifExists || qualifier)) return null;
  return { base, qualifier, ifExists };
}

/** One compiled policy value, by family. */
export type CompiledValue =
  | { readonly kind: 'template'; readonly template: Template; readonly arnSegments: readonly Glob[] | null }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'binary'; readonly value: Buffer }
  | { readonly kind: 'cidr'; readonly value: Cidr };

/** One (operator, condition key) pair of a Condition block. */
export interface CompiledCondition extends ParsedOperator {
  /** The operator as written in the policy. */
  readonly operator: string;
  /** The condition key as written. */
  readonly keyName: string;
  /** The condition key, lower-cased for lookup. */
  readonly key: string;
  /** Alternatives: the condition holds for a request value matching any of them. */
  readonly values: readonly CompiledValue[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseNumber(text: string): number | null {
  return NUMBER.test(text.trim()) ? Number(text) : null;
}

export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * Compiles one key's values for an operator. `variables` is true for
 * Version 2012-10-17 policies (String and Arn values may hold policy variables).
 */
export function compileCondition(
  operator: string,
  parsed: ParsedOperator,
  keyName: string,
  raw: unknown,
  variables: boolean,
): CompiledCondition {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyDocumentError(`Condition ${operator} has no values for key ${keyName}.`);
  const values = list.map((v) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new PolicyDocumentError(`Condition ${operator} has a value for key ${keyName} that is not a string, number or boolean.`);
    }
    const compiled = compileValue(parsed.base, String(v), variables);
    if (!compiled) throw new PolicyDocumentError(`Condition ${operator} has an invalid value for key ${keyName}: ${String(v)}`);
    return compiled;
  });
  return { ...parsed, operator, keyName, key: keyName.toLowerCase(), values };
}

function compileValue(base: BaseOperator, text: string, variables: boolean): CompiledValue | null {
  switch (base.family) {
    case 'String': {
      const template = compileTemplate(text, { variables, ignoreCase: base.test === 'eqi' });
      return { kind: 'template', template, arnSegments: null };
    }
    case 'Arn': {
      const template = compileTemplate(text, { variables });
      const arnSegments = template.fixed ? splitGlob(template.fixed.glob, ':', 6) : null;
      return { kind: 'template', template, arnSegments };
    }
    case 'Numeric': {
      const n = parseNumber(text);
      return n === null ? null : { kind: 'number', value: n };
    }
    case 'Date': {
      const d = parseDate(text);
      return d === null ? null : { kind: 'number', value: d };
    }
    case 'Bool':
    case 'Null': {
      const t = text.toLowerCase();
      return t === 'true' || t === 'false' ? { kind: 'bool', value: t === 'true' } : null;
    }
    case 'Binary': {
      const b = decodeBase64(text);
      return b === null ? null : { kind: 'binary', value: b };
    }
    case 'Ip': {
      const c = parseCidr(text);
      return c === null ? null : { kind: 'cidr', value: c };
    }
  }
}

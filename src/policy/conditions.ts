/**
 * Evaluation of compiled Condition blocks against a request context.
 *
 * Semantics (IAM "Condition operators", "Single-valued vs. multivalued context keys"):
 * - all (operator, key) entries of a block must hold (AND); the values listed
 *   for one key are alternatives (OR);
 * - a key absent from the request (or an empty multivalued key) makes a
 *   positive operator false and a negated one (StringNotEquals, NotIpAddress,
 *   ArnNotLike, ...) true; `...IfExists` makes any operator true;
 *   `ForAllValues:` is true and `ForAnyValue:` false; `Null` tests exactly this;
 * - a negated operator holds for a request value that matches none of the
 *   policy values; with `ForAllValues:` every request value must satisfy the
 *   (possibly negated) test, with `ForAnyValue:` at least one;
 * - without a qualifier, a multivalued request value satisfies a positive
 *   operator when any of its values does, and a negated one when all do
 *   (design choice: AWS asks for a set operator here and documents no rule);
 * - a request value the operator cannot interpret (text that is not a number
 *   for Numeric, not an address for IpAddress...) satisfies neither the
 *   operator nor its negation.
 * Pure.
 */
import type { ContextLookup } from './context.js';
import { parseDate } from './dates.js';
import { cidrContains, parseAddress } from './ip.js';
import { decodeBase64, parseNumber, type CompiledCondition, type CompiledValue } from './operators.js';
import type { ContextValue } from './types.js';
import { resolveGlob, resolveText } from './variables.js';
import { matchGlob, splitGlob, splitValue, type Glob } from './wildcards.js';

type Scalar = string | number | boolean;

export function conditionsHold(conditions: readonly CompiledCondition[], lookup: ContextLookup): boolean {
  for (const c of conditions) if (!conditionHolds(c, lookup)) return false;
  return true;
}

export function conditionHolds(c: CompiledCondition, lookup: ContextLookup): boolean {
  const values = requestValues(lookup.get(c.key));
  if (c.base.family === 'Null') {
    const isNull = values === null;
    return c.values.some((v) => v.kind === 'bool' && v.value === isNull);
  }
  if (values === null) {
    if (c.ifExists || c.qualifier === 'ForAllValues') return true;
    if (c.qualifier === 'ForAnyValue') return false;
    return c.base.negated;
  }
  const holdsFor = (v: Scalar): boolean => {
    const m = matchesAny(c, v, lookup);
    if (m === undefined) return false;
    return c.base.negated ? !m : m;
  };
  if (c.qualifier === 'ForAllValues') return values.every(holdsFor);
  if (c.qualifier === 'ForAnyValue') return values.some(holdsFor);
  return c.base.negated ? values.every(holdsFor) : values.some(holdsFor);
}

function requestValues(v: ContextValue | undefined): readonly Scalar[] | null {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : (v as readonly string[]);
  return [v as Scalar];
}

/** Whether the request value matches any policy value under the positive test; undefined if uninterpretable. */
function matchesAny(c: CompiledCondition, v: Scalar, lookup: ContextLookup): boolean | undefined {
  const { family, test } = c.base;
  switch (family) {
    case 'String': {
      const s = String(v);
      if (test === 'like') return c.values.some((p) => testGlob(p, lookup, s));
      if (test === 'eqi') {
        const lower = s.toLowerCase();
        return c.values.some((p) => p.kind === 'template' && resolveText(p.template, lookup)?.toLowerCase() === lower);
      }
      return c.values.some((p) => p.kind === 'template' && resolveText(p.template, lookup) === s);
    }
    case 'Arn': {
      const segments = splitValue(String(v), ':', 6);
      if (!segments) return false;
      return c.values.some((p) => testArn(p, lookup, segments));
    }
    case 'Numeric': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : null;
      if (n === null || Number.isNaN(n)) return undefined;
      return c.values.some((p) => p.kind === 'number' && order(test, n, p.value));
    }
    case 'Date': {
      const d = typeof v === 'boolean' ? null : parseDate(v);
      if (d === null) return undefined;
      return c.values.some((p) => p.kind === 'number' && order(test, d, p.value));
    }
    case 'Bool': {
      const b = typeof v === 'boolean' ? v : typeof v === 'string' ? parseBool(v) : undefined;
      if (b === undefined) return undefined;
      return c.values.some((p) => p.kind === 'bool' && p.value === b);
    }
    case 'Binary': {
      const bytes = typeof v === 'string' ? decodeBase64(v) : null;
      if (bytes === null) return undefined;
      return c.values.some((p) => p.kind === 'binary' && p.value.equals(bytes));
    }
    case 'Ip': {
      const addr = typeof v === 'string' ? parseAddress(v.trim()) : null;
      if (addr === null) return undefined;
      return c.values.some((p) => p.kind === 'cidr' && cidrContains(p.value, addr));
    }
    default:
      return undefined;
  }
}

function testGlob(p: CompiledValue, lookup: ContextLookup, s: string): boolean {
  if (p.kind !== 'template') return false;
  const glob = resolveGlob(p.template, lookup);
  return glob !== null && matchGlob(glob, s);
}

function testArn(p: CompiledValue, lookup: ContextLookup, segments: readonly string[]): boolean {
  if (p.kind !== 'template') return false;
  let patterns: readonly Glob[] | null = p.arnSegments;
  if (!patterns) {
    const glob = resolveGlob(p.template, lookup);
    patterns = glob && splitGlob(glob, ':', 6);
  }
  if (!patterns) return false;
  for (let i = 0; i < 6; i++) if (!matchGlob(patterns[i], segments[i])) return false;
  return true;
}

function order(test: string, a: number, b: number): boolean {
  switch (test) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    default:
      return false;
  }
}

function parseBool(s: string): boolean | undefined {
  const t = s.toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

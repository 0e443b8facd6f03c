/**
 * Policy variables (`${aws:username}`, `${kms:CallerAccount, 'none'}`, `${*}`)
 * in Resource elements and String/Arn condition values. Only policies with
 * Version 2012-10-17 substitute them; under 2008-10-17 the text is literal.
 *
 * Rules (IAM "Variables and tags"):
 * - the key name is case-insensitive and is looked up in the request context;
 *   multivalued keys cannot be used as variables (they do not resolve);
 * - `${key, 'default'}` uses the quoted default when the key does not resolve;
 *   blanks around the key and the quotes are ignored; `''` inside the quotes is a `'`;
 * - `${*}`, `${?}`, `${$}` stand for a literal `*`, `?`, `$`;
 * - substitution is one pass, and substituted text is always literal: a `*` in
 *   a user name is not a wildcard;
 * - a variable that does not resolve and has no default makes the whole value
 *   unresolvable: it matches nothing (design choice; AWS says such a statement
 *   "might be invalid"). A malformed `${...}` likewise never resolves; a `${`
 *   with no closing `}` is plain text.
 * Pure.
 */
import type { ContextLookup } from './context.js';
import { globFromParts, type Glob, type PatternPart } from './wildcards.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var'; readonly key: string; readonly fallback?: string }
  | { readonly kind: 'invalid' };

export interface Template {
  readonly source: string;
  readonly ignoreCase: boolean;
  readonly parts: readonly TemplatePart[];
  /** Precompiled text and pattern when the value has no variable to resolve per request. */
  readonly fixed: { readonly text: string; readonly glob: Glob } | null;
}

export function compileTemplate(source: string, options: { variables: boolean; ignoreCase?: boolean }): Template {
  const ignoreCase = options.ignoreCase ?? false;
  const parts: TemplatePart[] = options.variables ? parseTemplate(source) : [{ kind: 'text', text: source }];
  const isFixed = parts.every((p) => p.kind === 'text' || p.kind === 'literal');
  let fixed: Template['fixed'] = null;
  if (isFixed) {
    const pattern = parts.map((p) => toPatternPart(p as { kind: 'text' | 'literal'; text: string }));
    fixed = { text: pattern.map((p) => p.text).join(''), glob: globFromParts(pattern, ignoreCase) };
  }
  return { source, ignoreCase, parts, fixed };
}

/** The value with variables substituted, as pattern pieces; null when it does not resolve. */
export function resolveParts(t: Template, lookup: ContextLookup): PatternPart[] | null {
  const out: PatternPart[] = [];
  for (const part of t.parts) {
    if (part.kind === 'text' || part.kind === 'literal') {
      out.push(toPatternPart(part));
    } else if (part.kind === 'var') {
      const value = variableValue(lookup, part.key) ?? part.fallback;
      if (value === undefined) return null;
      out.push({ text: value, literal: true });
    } else {
      return null;
    }
  }
  return out;
}

/** The resolved text (for exact comparisons), or null. */
export function resolveText(t: Template, lookup: ContextLookup): string | null {
  if (t.fixed) return t.fixed.text;
  const parts = resolveParts(t, lookup);
  return parts === null ? null : parts.map((p) => p.text).join('');
}

/** The resolved wildcard pattern, or null. */
export function resolveGlob(t: Template, lookup: ContextLookup): Glob | null {
  if (t.fixed) return t.fixed.glob;
  const parts = resolveParts(t, lookup);
  return parts === null ? null : globFromParts(parts, t.ignoreCase);
}

function toPatternPart(p: { kind: 'text' | 'literal'; text: string }): PatternPart {
  return { text: p.text, literal: p.kind === 'literal' };
}

function variableValue(lookup: ContextLookup, key: string): string | undefined {
  const v = lookup.get(key);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined; // absent, or multivalued
}

const SPECIAL = new Set(['*', '?', '$']);

export function parseTemplate(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let buf = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] === '$' && s[i + 1] === '{') {
      const v = parseVariable(s, i + 2);
      if (v) {
        if (buf) parts.push({ kind: 'text', text: buf });
        buf = '';
        parts.push(v.part);
        i = v.end;
        continue;
      }
    }
    buf += s[i];
    i++;
  }
  if (buf) parts.push({ kind: 'text', text: buf });
  return parts;
}

/** Parses the body of `${...}` starting after `${`; null when there is no closing brace. */
function parseVariable(s: string, start: number): { part: TemplatePart; end: number } | null {
  let k = start;
  while (k < s.length && s[k] !== ',' && s[k] !== '}') k++;
  if (k >= s.length) return null;
  const key = s.slice(start, k).trim();
  let fallback: string | undefined;
  let end: number;
  if (s[k] === '}') {
    end = k + 1;
  } else {
    let m = k + 1;
    while (s[m] === ' ') m++;
    if (s[m] !== "'") return invalidUntilBrace(s, m);
    m++;
    let def = '';
    for (;;) {
      if (m >= s.length) return null;
      if (s[m] === "'") {
        if (s[m + 1] === "'") {
          def += "'";
          m += 2;
          continue;
        }
        m++;
        break;
      }
      def += s[m++];
    }
    while (s[m] === ' ') m++;
    if (s[m] !== '}') return invalidUntilBrace(s, m);
    fallback = def;
    end = m + 1;
  }
  if (SPECIAL.has(key)) return { part: { kind: 'literal', text: key }, end };
  if (key === '' || /\s/.test(key)) return { part: { kind: 'invalid' }, end };
  return { part: { kind: 'var', key: key.toLowerCase(), fallback }, end };
}

function invalidUntilBrace(s: string, from: number): { part: TemplatePart; end: number } | null {
  const close = s.indexOf('}', from);
  return close < 0 ? null : { part: { kind: 'invalid' }, end: close + 1 };
}

/**
 * Wildcard patterns as IAM uses them: `*` matches any run of characters
 * (including none), `?` exactly one. Patterns are compiled once into a
 * character string plus a per-character kind, and matched with a linear-space
 * greedy matcher (worst case O(pattern × text), no regex backtracking blow-up).
 * Pure.
 */

const LITERAL = 0;
const STAR = 1;
const QUESTION = 2;

/** A piece of a pattern: text whose `*`/`?` are wildcards, or literal text (a resolved variable, `${*}`). */
export interface PatternPart {
  readonly text: string;
  readonly literal: boolean;
}

export interface Glob {
  /** The pattern's characters, lower-cased when `ignoreCase`. */
  readonly chars: string;
  /** Per character: 0 literal, 1 `*`, 2 `?`; null when every character is literal. */
  readonly kinds: Uint8Array | null;
  readonly ignoreCase: boolean;
  /** Fast paths: 'any' (a lone `*`), 'exact' (no wildcard), 'prefix' (literal then one trailing `*`), 'general'. */
  readonly shape: 'any' | 'exact' | 'prefix' | 'general';
}

/** Compiles a pattern in which every `*` and `?` is a wildcard. */
export function compileGlob(pattern: string, ignoreCase = false): Glob {
  return globFromParts([{ text: pattern, literal: false }], ignoreCase);
}

/** Compiles a pattern made of wildcard-bearing and literal pieces. */
export function globFromParts(parts: readonly PatternPart[], ignoreCase = false): Glob {
  let chars = '';
  const kinds: number[] = [];
  for (const part of parts) {
    const text = ignoreCase ? part.text.toLowerCase() : part.text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const kind = part.literal ? LITERAL : c === '*' ? STAR : c === '?' ? QUESTION : LITERAL;
      // Consecutive stars are one star.
      if (kind === STAR && kinds.length > 0 && kinds[kinds.length - 1] === STAR) continue;
      chars += c;
      kinds.push(kind);
    }
  }
  return build(chars, kinds, ignoreCase);
}

function build(chars: string, kinds: readonly number[], ignoreCase: boolean): Glob {
  const wild = kinds.some((k) => k !== LITERAL);
  let shape: Glob['shape'] = 'general';
  if (!wild) shape = 'exact';
  else if (kinds.length === 1 && kinds[0] === STAR) shape = 'any';
  else if (kinds[kinds.length - 1] === STAR && kinds.slice(0, -1).every((k) => k === LITERAL)) shape = 'prefix';
  return { chars, kinds: wild ? Uint8Array.from(kinds) : null, ignoreCase, shape };
}

/** Whether `text` matches the whole pattern. */
export function matchGlob(glob: Glob, text: string): boolean {
  const t = glob.ignoreCase ? text.toLowerCase() : text;
  switch (glob.shape) {
    case 'any':
      return true;
    case 'exact':
      return t === glob.chars;
    case 'prefix':
      return t.startsWith(glob.chars.slice(0, -1));
    default:
      return matchGeneral(glob.chars, glob.kinds!, t);
  }
}

function matchGeneral(p: string, kinds: Uint8Array, t: string): boolean {
  const n = p.length;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < n && (kinds[pi] === QUESTION || (kinds[pi] === LITERAL && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < n && kinds[pi] === STAR) {
      starP = pi++;
      starT = ti;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (pi < n && kinds[pi] === STAR) pi++;
  return pi === n;
}

/**
 * Splits a compiled pattern at its first `count - 1` literal occurrences of
 * `sep` into `count` patterns (the last keeps any further separators), or
 * returns null when the pattern has fewer pieces. Used for ARN segments.
 */
export function splitGlob(glob: Glob, sep: string, count: number): Glob[] | null {
  const out: Glob[] = [];
  let start = 0;
  for (let i = 0; i < glob.chars.length && out.length < count - 1; i++) {
    const literal = glob.kinds === null || glob.kinds[i] === LITERAL;
    if (literal && glob.chars[i] === sep) {
      out.push(slice(glob, start, i));
      start = i + 1;
    }
  }
  if (out.length < count - 1) return null;
  out.push(slice(glob, start, glob.chars.length));
  return out;
}

function slice(glob: Glob, from: number, to: number): Glob {
  const kinds = glob.kinds ? Array.from(glob.kinds.subarray(from, to)) : new Array<number>(to - from).fill(LITERAL);
  return build(glob.chars.slice(from, to), kinds, glob.ignoreCase);
}

/** Splits a value at its first `count - 1` occurrences of `sep`, or null when it has fewer pieces. */
export function splitValue(value: string, sep: string, count: number): string[] | null {
  const out: string[] = [];
  let start = 0;
  while (out.length < count - 1) {
    const i = value.indexOf(sep, start);
    if (i < 0) return null;
    out.push(value.slice(start, i));
    start = i + 1;
  }
  out.push(value.slice(start));
  return out;
}

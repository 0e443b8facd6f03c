/**
 * Allow-list projection of request and response members into CloudTrail's
 * requestParameters / responseElements. Deny by default: a member is copied
 * only when the operation's spec names it, and only in the form the spec
 * says (a scalar field never copies an object, a string map never copies a
 * nested value). Member names become lowerCamelCase, as CloudTrail writes
 * them; map keys (encryption context, tags) are kept verbatim.
 */
import type { JsonObject, JsonValue } from './event.js';

export type Field =
  | 'scalar' // string, number or boolean
  | 'map' // { [k: string]: string }
  | 'list' // array of scalars
  | 'date' // epoch seconds / ms, Date or ISO string -> "Aug 10, 2022, 10:38:27 PM"
  | { struct: Spec }
  | { listOf: Spec };

export type Spec = Readonly<Record<string, Field>>;

/** Names CloudTrail does not lower-case (KeyMetadata.AWSAccountId). */
const NAME_EXCEPTIONS: Readonly<Record<string, string>> = { AWSAccountId: 'AWSAccountId' };

export function lowerCamel(name: string): string {
  return NAME_EXCEPTIONS[name] ?? name.charAt(0).toLowerCase() + name.slice(1);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** CloudTrail's rendering of timestamps inside request and response members, in UTC. */
export function formatMemberDate(ms: number): string {
  const d = new Date(ms);
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ` +
    `${h12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h24 < 12 ? 'AM' : 'PM'}`
  );
}

/** Epoch ms from the forms a timestamp takes on the wire or in handler output. */
export function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return toEpochMs(Number(value));
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';
}

function project(field: Field, value: unknown): JsonValue | undefined {
  if (field === 'scalar') return isScalar(value) ? value : undefined;
  if (field === 'date') {
    const ms = toEpochMs(value);
    return ms === undefined ? undefined : formatMemberDate(ms);
  }
  if (field === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  if (field === 'list') {
    if (!Array.isArray(value)) return undefined;
    return value.filter(isScalar);
  }
  if ('struct' in field) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return applySpec(field.struct, value as Record<string, unknown>);
  }
  if (!Array.isArray(value)) return undefined;
  const items: JsonValue[] = [];
  for (const item of value) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) items.push(applySpec(field.listOf, item as Record<string, unknown>));
  }
  return items;
}

/** A spec's members with their recorded names, in the spec's order. */
type CompiledSpec = readonly { name: string; field: Field; recordedAs: string }[];

/** Specs are fixed tables: each is compiled once, on first use. */
const compiled = new WeakMap<Spec, CompiledSpec>();

function compile(spec: Spec): CompiledSpec {
  let members = compiled.get(spec);
  if (members === undefined) {
    members = Object.entries(spec).map(([name, field]) => ({ name, field, recordedAs: lowerCamel(name) }));
    compiled.set(spec, members);
  }
  return members;
}

/** The members of `source` that `spec` allows, renamed to lowerCamelCase. */
export function applySpec(spec: Spec, source: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const { name, field, recordedAs } of compile(spec)) {
    if (!Object.prototype.hasOwnProperty.call(source, name)) continue;
    const projected = project(field, source[name]);
    if (projected !== undefined) out[recordedAs] = projected;
  }
  return out;
}

/** Every member name a spec allows, nested ones included (for tests and audits of the specs). */
export function specMemberNames(spec: Spec): string[] {
  const names: string[] = [];
  for (const [name, field] of Object.entries(spec)) {
    names.push(name);
    if (typeof field === 'object') names.push(...specMemberNames('struct' in field ? field.struct : field.listOf));
  }
  return names;
}

/**
 * Dates for the Date operators: ISO 8601 (`2025-01-31`, `2025-01-31T12:00:00Z`,
 * `2025-01-31T12:00:00.123+02:00`, basic `20250131T120000Z`) or epoch seconds
 * (`1738324800`, a number or all-digit text). A time without a zone
 * designator is UTC. Returns epoch milliseconds, or null. Pure: never reads
 * the clock.
 */

const EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const BASIC = /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}(?:\d{2})?)?$/;
const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;

export function parseDate(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 1000) : null;
  const text = value.trim();
  if (EPOCH.test(text)) return Math.round(Number(text) * 1000);
  const m = EXTENDED.exec(text) ?? BASIC.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute !== 0 || second !== 0 || /[1-9]/.test(frac))) return null;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  if (second === 60) t += 1000; // a leap second reads as the next second
  const offset = zoneOffsetMinutes(zone);
  if (offset === null) return null;
  return t - offset * 60_000;
}

function zoneOffsetMinutes(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

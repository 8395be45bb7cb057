import { InvalidOptionError } from '../errors.js';

/** The unit of numeric timestamps: epoch milliseconds or epoch seconds. */
export type TimeUnit = 'ms' | 's';

export function parseTimeUnit(text: string): TimeUnit {
  if (text === 'ms' || text === 's') return text;
  throw new InvalidOptionError(`invalid time unit ${JSON.stringify(text)}: expected ms (epoch milliseconds) or s (epoch seconds)`);
}

// Date, optional time, optional fraction, optional offset (Z, ±HH, ±HH:MM or ±HHMM).
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const NUMERIC_PATTERN = /^-?\d+(?:\.\d+)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/**
 * Parses an ISO-8601 date-time into epoch milliseconds, or returns NaN.
 * A string without an offset is UTC, so the result never depends on the TZ
 * environment. Digits past milliseconds are truncated.
 */
export function parseIsoTimestamp(text: string): number {
  const m = ISO_PATTERN.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = m[11] === undefined ? 0 : Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return NaN;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** Largest distance from the epoch that a JavaScript Date can hold, in ms (about 275,000 years). */
export const MAX_EPOCH_MS = 8.64e15;

/**
 * Converts a timestamp field to epoch milliseconds, or returns NaN when it is
 * missing or invalid. Numbers (and strings of digits) are read in `unit`;
 * epoch seconds are rounded to the nearest millisecond. Other strings must be
 * ISO-8601. Times beyond ±MAX_EPOCH_MS are invalid, because one such outlier
 * would push the watermark past every real event.
 */
export function toEpochMs(raw: unknown, unit: TimeUnit): number {
  if (typeof raw === 'number') {
    const ms = unit === 'ms' ? raw : Math.round(raw * 1000);
    return ms >= -MAX_EPOCH_MS && ms <= MAX_EPOCH_MS ? ms : NaN;
  }
  if (typeof raw !== 'string') return NaN;
  if (NUMERIC_PATTERN.test(raw)) return toEpochMs(Number(raw), unit);
  return parseIsoTimestamp(raw);
}

/** Explains why `toEpochMs` returned NaN, for error messages. */
export function describeInvalidTimestamp(field: string, raw: unknown): string {
  if (raw === undefined) return `missing timestamp field "${field}"`;
  const shown = typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
  return `invalid timestamp in field "${field}": ${shown} is neither an epoch number within ±${MAX_EPOCH_MS} ms nor an ISO-8601 date-time`;
}

import { InvalidOptionError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration such as `1500`, `500ms`, `10s`, `5m`, `1h` or `1d` into
 * milliseconds. A plain number is milliseconds. Fractions are accepted
 * (`1.5s`) when the result is a whole number of milliseconds.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (match === null) {
    throw new InvalidOptionError(
      `invalid ${what} ${JSON.stringify(text)}: expected a number of milliseconds or a number with a unit ms, s, m, h or d, for example 500ms, 10s or 1h`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidOptionError(`invalid ${what} ${JSON.stringify(text)}: it must be a whole number of milliseconds below 2^53`);
  }
  return ms;
}

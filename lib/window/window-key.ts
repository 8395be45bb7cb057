/** A grouping key: a JSON primitive, or null for a missing field. */
export type WindowKey = string | number | boolean | null;

/**
 * Turns a --by field value into a key. Objects and arrays become their JSON
 * text, numbers JSON cannot write (1e999 parses to Infinity) become the
 * strings "Infinity" and "-Infinity", and a missing field becomes null, so
 * every event has a key that survives JSON output. Throws RangeError for an
 * object nested too deeply to serialize.
 */
export function toWindowKey(raw: unknown): WindowKey {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  return JSON.stringify(raw);
}

const TYPE_RANK: Record<string, number> = { object: 0, boolean: 1, number: 2, string: 3 };

/**
 * Orders keys for output: null, then booleans, numbers (numerically), then
 * strings by UTF-16 code units, which does not depend on the locale.
 */
export function compareWindowKeys(a: WindowKey, b: WindowKey): number {
  const rankA = TYPE_RANK[typeof a]!;
  const rankB = TYPE_RANK[typeof b]!;
  if (rankA !== rankB) return rankA - rankB;
  if (a === b || a === null || b === null) return 0;
  return a < b ? -1 : 1;
}

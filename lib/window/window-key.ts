/** A grouping key: a JSON primitive, or null for a missing field. */
export type WindowKey = string | number | boolean | null;

/**
 * Turns a --by field value into a key. Objects and arrays become their JSON
 * text, and a missing field becomes null, so every event has a key.
 */
export function toWindowKey(raw: unknown): WindowKey {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
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

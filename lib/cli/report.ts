/** Format of the run reports written to stderr. */
export type StatsFormat = 'text' | 'json';

/**
 * The counters every command reports, with the same names everywhere:
 * - `received`: events read.
 * - `delivered`: results handed to the output (events, windows, batches or
 *   alerts, named by `unit`).
 * - `dropped`: events shed on purpose by a backpressure policy.
 * - `invalid`: lines or events rejected.
 * - `late`: events that arrived after their window was emitted.
 *
 * Commands may add more counters, such as `buffered` or `rows`.
 */
export interface RunCounters {
  received: number;
  delivered: number;
  dropped: number;
  invalid: number;
  late: number;
  [extra: string]: number;
}

const CORE_FIELDS = ['received', 'delivered', 'dropped', 'invalid', 'late'] as const;

export function emptyCounters(): RunCounters {
  return { received: 0, delivered: 0, dropped: 0, invalid: 0, late: 0 };
}

/**
 * Formats one report line (without the line end). `kind` is "summary" for
 * the report at exit and "progress" for periodic ones. Text reads
 * `evproc window summary: received 10 events, delivered 2 windows, dropped 0, invalid 0, late 0`;
 * JSON carries the same numbers with `delivered_unit`.
 */
export function formatReport(command: string, kind: 'summary' | 'progress', counters: RunCounters, unit: string, format: StatsFormat): string {
  if (format === 'json') {
    return JSON.stringify({ evproc: kind, command, ...orderedCounters(counters), delivered_unit: unit });
  }
  const parts = [`received ${counted(counters.received, 'events')}`, `delivered ${counted(counters.delivered, unit)}`];
  for (const field of CORE_FIELDS.slice(2)) parts.push(`${field} ${counters[field]}`);
  for (const [field, value] of Object.entries(counters)) {
    if (!(CORE_FIELDS as readonly string[]).includes(field)) parts.push(`${field.replaceAll('_', ' ')} ${formatNumber(value)}`);
  }
  return `evproc ${command} ${kind}: ${parts.join(', ')}`;
}

/** Writes a count with its unit, singular for exactly one: "1 window", "2 windows", "1 batch". */
function counted(count: number, pluralUnit: string): string {
  if (count !== 1) return `${count} ${pluralUnit}`;
  const singular = pluralUnit.endsWith('ches') || pluralUnit.endsWith('shes') ? pluralUnit.slice(0, -2) : pluralUnit.replace(/s$/, '');
  return `${count} ${singular}`;
}

function orderedCounters(counters: RunCounters): RunCounters {
  const ordered = emptyCounters();
  for (const field of CORE_FIELDS) ordered[field] = counters[field];
  return Object.assign(ordered, counters);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

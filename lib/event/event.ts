/** The four event kinds evproc knows; other strings pass through untouched. */
export type EventType = 'Metric' | 'Log' | 'Alert' | 'Error';

/**
 * An event as read from NDJSON: any JSON object. The fields below are the
 * ones evproc looks for by default; every other field is kept as it came.
 */
export interface Event {
  id?: unknown;
  /** Epoch milliseconds, epoch seconds with `timeUnit: 's'`, or an ISO-8601 string. */
  timestamp?: unknown;
  source?: unknown;
  value?: unknown;
  event_type?: EventType | string;
  [field: string]: unknown;
}

/** Returns true when `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Event {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

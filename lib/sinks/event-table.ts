import { describeValue, InvalidOptionError } from '../errors.js';
import type { Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { toEpochMs, type TimeUnit } from '../event/timestamp.js';

/** Table written when the sink URL names none. */
export const DEFAULT_TABLE = 'events';

/** Maximum table name length, in characters; PostgreSQL truncates identifiers past 63 bytes. */
export const MAX_TABLE_NAME_LENGTH = 63;

const TABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks a table name against the identifier rules every sink accepts:
 * a letter or "_", then letters, digits or "_", at most 63 characters, and
 * not starting with "sqlite_" (SQLite reserves those). Sinks also quote the
 * name, so nothing in it reaches SQL as syntax. Returns the name.
 */
export function validateTableName(name: string): string {
  if (!TABLE_NAME_PATTERN.test(name) || name.length > MAX_TABLE_NAME_LENGTH) {
    throw new InvalidOptionError(
      `invalid table name ${describeValue(name)}: expected a letter or "_" followed by letters, digits or "_", at most ${MAX_TABLE_NAME_LENGTH} characters`,
    );
  }
  if (name.toLowerCase().startsWith('sqlite_')) {
    throw new InvalidOptionError(`invalid table name ${describeValue(name)}: names starting with "sqlite_" are reserved by SQLite`);
  }
  return name;
}

/** Quotes a validated identifier for SQL; both SQLite and PostgreSQL use double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * One table row per event. The known event fields get their own columns
 * so they can be indexed and filtered. `event` contains the whole event as
 * JSON text, so no field is lost.
 */
export interface EventRow {
  /** The batch_id of the batch the event came in; ids restart at 1 on every run. */
  batch_id: number;
  /** `id` when it is a string, number or boolean (as text); null otherwise. */
  id: string | null;
  /** The event time in epoch milliseconds, rounded; null when missing, invalid or beyond ±2^53. */
  timestamp: number | null;
  /** `source` when it is a string, number or boolean (as text); null otherwise. */
  source: string | null;
  /** `value` when it is a finite number; null otherwise (strings are not converted). */
  value: number | null;
  /** `event_type` when it is a string, number or boolean (as text); null otherwise. */
  event_type: string | null;
  /** The whole event as JSON text. */
  event: string;
}

/** Column names in the order sinks create and fill them. */
export const EVENT_COLUMNS = ['batch_id', 'id', 'timestamp', 'source', 'value', 'event_type', 'event'] as const;

/** Options for turning events into rows. */
export interface RowOptions {
  /** Dotted path of the event time for the timestamp column. Default "timestamp". */
  timeField?: string;
  /** Unit of numeric timestamps. Default "ms". */
  timeUnit?: TimeUnit;
}

/** Builds EventRows; compiled once per sink. */
export class EventRowBuilder {
  readonly #getTime: FieldGetter;
  readonly #timeUnit: TimeUnit;

  constructor(options: RowOptions = {}) {
    this.#getTime = compileFieldPath(options.timeField ?? 'timestamp');
    this.#timeUnit = options.timeUnit ?? 'ms';
  }

  /** Builds the row of one event; `text` is its original JSON when known, else the event is serialized. */
  rowOf(batchId: number, event: Event, text: string | undefined): EventRow {
    const time = Math.round(toEpochMs(this.#getTime(event), this.#timeUnit));
    // NOTE: a numeric id beyond 2^53 has lost digits in JSON.parse, so the id column gets the rounded number; the event column keeps the original text.
    return {
      batch_id: batchId,
      id: textOf(event.id),
      timestamp: Number.isSafeInteger(time) ? time : null,
      source: textOf(event.source),
      value: typeof event.value === 'number' && Number.isFinite(event.value) ? event.value : null,
      event_type: textOf(event.event_type),
      event: text ?? JSON.stringify(event),
    };
  }
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

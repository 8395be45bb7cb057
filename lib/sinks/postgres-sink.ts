import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { DEFAULT_TABLE, EVENT_COLUMNS, quoteIdentifier, validateTableName, type EventRow } from './event-table.js';
import { SinkStream, type BatchSink, type SinkStreamOptions } from './sink.js';

/** Options of the PostgreSQL sink. */
export interface PostgresSinkOptions extends SinkStreamOptions {
  /** A libpq-style URL, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE; PG* environment variables fill in what it leaves out. */
  connectionString: string;
  /** Table to write; created when missing. Default "events". */
  table?: string;
}

/** Text gathered per COPY data message, in UTF-16 code units. */
const COPY_CHUNK_CHARS = 64 * 1024;

/** Rejection reason for an event with U+0000, a character that PostgreSQL TEXT and JSONB cannot contain. */
export const NUL_CHARACTER_REASON = 'the event contains the character U+0000 (\\u0000 in JSON), which PostgreSQL cannot store in TEXT or JSONB';

/**
 * Returns true when a key or string value anywhere in a parsed JSON value
 * contains U+0000. Walks with its own stack, so deep nesting cannot
 * overflow the call stack.
 */
export function containsNulCharacter(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, member] of Object.entries(item)) {
        if (key.includes('\0')) return true;
        pending.push(member);
      }
    }
  }
  return false;
}

/** Returns the index of the first row PostgreSQL cannot store because of U+0000, or -1. */
function firstRowWithNul(rows: readonly EventRow[]): number {
  return rows.findIndex(
    (row) =>
      row.id?.includes('\0') === true ||
      row.source?.includes('\0') === true ||
      row.event_type?.includes('\0') === true ||
      row.event.includes('\0') ||
      (row.event.includes('\\u0000') && jsonTextContainsNul(row.event)),
  );
}

function jsonTextContainsNul(text: string): boolean {
  try {
    return containsNulCharacter(JSON.parse(text));
  } catch {
    // Text that is not JSON fails in COPY with PostgreSQL's own message.
    return false;
  }
}

/** Returns the CREATE TABLE statement the PostgreSQL sink runs (IF NOT EXISTS). */
export function postgresTableDefinition(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (
  "batch_id" BIGINT NOT NULL,
  "id" TEXT,
  "timestamp" BIGINT,
  "source" TEXT,
  "value" DOUBLE PRECISION,
  "event_type" TEXT,
  "event" JSONB NOT NULL
)`;
}

/**
 * Returns the URL without user name, password and query, for messages:
 * postgres://HOST:PORT/DATABASE.
 */
export function describePostgresUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Writes rows to a PostgreSQL table over one connection (the `pg` client).
 * Each batch runs BEGIN, COPY … FROM STDIN, COMMIT. On any error it runs
 * ROLLBACK and rejects, so a batch is stored whole or not at all. A batch
 * with U+0000 in any row is rejected before BEGIN, with the event's place in
 * the batch and its id, because PostgreSQL would fail the whole COPY. COPY loaded
 * the sensor data about twice as fast as multi-row INSERTs of 1,000 rows
 * (docs/batch.md has the figures), so INSERT is not offered.
 */
export class PostgresSink implements BatchSink {
  readonly target: string;
  readonly #connectionString: string;
  readonly #table: string;
  #client: pg.Client | undefined;
  #copyFrom: typeof import('pg-copy-streams').from | undefined;
  /** An error the client reported between queries, such as a dropped connection. */
  #connectionError: Error | undefined;

  constructor(options: PostgresSinkOptions) {
    this.#connectionString = options.connectionString;
    this.#table = validateTableName(options.table ?? DEFAULT_TABLE);
    this.target = `PostgreSQL table "${this.#table}" at ${describePostgresUrl(options.connectionString)}`;
  }

  async open(): Promise<void> {
    // Loaded on first use: importing pg costs about 30 ms at start-up, which
    // every command would pay otherwise.
    const { default: postgres } = await import('pg');
    this.#copyFrom = (await import('pg-copy-streams')).from;
    const client = new postgres.Client({ connectionString: this.#connectionString, application_name: 'evproc' });
    client.on('error', (err) => {
      this.#connectionError = err;
    });
    this.#client = client;
    await client.connect();
    await client.query(postgresTableDefinition(this.#table));
  }

  async writeRows(rows: EventRow[]): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw new Error('the connection is not open');
    if (this.#connectionError !== undefined) throw this.#connectionError;
    const bad = firstRowWithNul(rows);
    if (bad !== -1) {
      const id = rows[bad]!.id === null ? '' : ` (id ${JSON.stringify(rows[bad]!.id)})`;
      throw new Error(`event ${bad + 1} of the batch${id}: ${NUL_CHARACTER_REASON}`);
    }
    await client.query('BEGIN');
    try {
      await this.#copyRows(client, rows);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.end();
  }

  async #copyRows(client: pg.Client, rows: EventRow[]): Promise<void> {
    const columns = EVENT_COLUMNS.map(quoteIdentifier).join(', ');
    const copy = client.query(this.#copyFrom!(`COPY ${quoteIdentifier(this.#table)} (${columns}) FROM STDIN`));
    await pipeline(Readable.from(copyTextChunks(rows), { objectMode: false }), copy);
  }
}

/** Yields the rows in COPY text format, in chunks of about 64 Ki characters. */
function* copyTextChunks(rows: EventRow[]): Generator<string> {
  let text = '';
  for (const row of rows) {
    text +=
      `${row.batch_id}\t${copyField(row.id)}\t${copyNumber(row.timestamp)}\t${copyField(row.source)}\t` +
      `${copyNumber(row.value)}\t${copyField(row.event_type)}\t${copyField(row.event)}\n`;
    if (text.length >= COPY_CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  if (text.length > 0) yield text;
}

/** Escapes a text field for COPY text format; null becomes \N. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, escapeCopyChar) : value;
}

function escapeCopyChar(char: string): string {
  switch (char) {
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    default:
      return '\\t';
  }
}

function copyNumber(value: number | null): string {
  return value === null ? '\\N' : String(value);
}

/** Creates a Writable that stores each batch in a PostgreSQL table; see SinkStream. */
export function createPostgresSink(options: PostgresSinkOptions): SinkStream {
  return new SinkStream(new PostgresSink(options), options);
}

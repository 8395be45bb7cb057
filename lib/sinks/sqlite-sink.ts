import Database from 'better-sqlite3';
import { DEFAULT_TABLE, EVENT_COLUMNS, quoteIdentifier, validateTableName, type EventRow } from './event-table.js';
import { SinkStream, type BatchSink, type SinkStreamOptions } from './sink.js';

/** Options of the SQLite sink. */
export interface SqliteSinkOptions extends SinkStreamOptions {
  /** Database file; created when missing. */
  path: string;
  /** Table to write; created when missing. Default "events". */
  table?: string;
}

/** Returns the CREATE TABLE statement the SQLite sink runs (IF NOT EXISTS). */
export function sqliteTableDefinition(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (
  "batch_id" INTEGER NOT NULL,
  "id" TEXT,
  "timestamp" INTEGER,
  "source" TEXT,
  "value" REAL,
  "event_type" TEXT,
  "event" TEXT NOT NULL
)`;
}

/**
 * Writes rows to a SQLite table with better-sqlite3. Each batch is one
 * transaction of prepared INSERTs. better-sqlite3 is synchronous, so the
 * event loop waits while a batch is written.
 */
export class SqliteSink implements BatchSink {
  readonly target: string;
  readonly #path: string;
  readonly #table: string;
  #db: Database.Database | undefined;
  #insertBatch: ((rows: EventRow[]) => void) | undefined;

  constructor(options: SqliteSinkOptions) {
    this.#path = options.path;
    this.#table = validateTableName(options.table ?? DEFAULT_TABLE);
    this.target = `SQLite table "${this.#table}" in ${this.#path}`;
  }

  async open(): Promise<void> {
    const db = new Database(this.#path);
    this.#db = db;
    db.exec(sqliteTableDefinition(this.#table));
    const columns = EVENT_COLUMNS.map(quoteIdentifier).join(', ');
    const placeholders = EVENT_COLUMNS.map(() => '?').join(', ');
    const insert = db.prepare(`INSERT INTO ${quoteIdentifier(this.#table)} (${columns}) VALUES (${placeholders})`);
    // Positional parameters, in EVENT_COLUMNS order: binding by name looks up
    // each property per row and measured about 15% slower on a million rows.
    this.#insertBatch = db.transaction((rows: EventRow[]) => {
      for (const row of rows) insert.run(row.batch_id, row.id, row.timestamp, row.source, row.value, row.event_type, row.event);
    });
  }

  async writeRows(rows: EventRow[]): Promise<void> {
    if (this.#insertBatch === undefined) throw new Error('the database is not open');
    this.#insertBatch(rows);
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    this.#insertBatch = undefined;
    if (db !== undefined && db.open) db.close();
  }
}

/** Creates a Writable that stores each batch in a SQLite table; see SinkStream. */
export function createSqliteSink(options: SqliteSinkOptions): SinkStream {
  return new SinkStream(new SqliteSink(options), options);
}

/**
 * The Writable that feeds batches to a database.
 *
 * Buffers: one batch being written plus at most one batch waiting
 * (objectMode, highWaterMark 1). Pushes back: `write()` returns false while a
 * batch is being written, and the callback of `_write` fires only after the
 * database has committed the batch, so `stream.pipeline` requests the next
 * batch only then. A slow database slows the whole pipeline instead of
 * filling memory. Worst case in memory: two batches plus their rows.
 *
 * On a failed write the batch's transaction is rolled back, the stream is
 * destroyed with an EvprocError ERR_SINK_FAILED that names the batch, the
 * table and the database's message, and `stats` counts only what was
 * committed before it.
 */
import { Writable } from 'node:stream';
import { EvprocError } from '../errors.js';
import type { Event } from '../event/event.js';
import type { Batch } from '../batch/batcher.js';
import type { RawEvent } from '../batch/raw-event.js';
import { EventRowBuilder, type EventRow, type RowOptions } from './event-table.js';

/** A database table that takes batches of rows, one transaction per batch. */
export interface BatchSink {
  /** Description of the table for messages, for example `SQLite table "events" in events.db`; never contains a password. */
  readonly target: string;
  /** Connects or opens the database and creates the table if it is missing. */
  open(): Promise<void>;
  /** Writes the rows in one transaction; resolves after COMMIT and rejects after ROLLBACK. */
  writeRows(rows: EventRow[]): Promise<void>;
  /** Releases the connection or file; safe to call more than once and after a failed open. */
  close(): Promise<void>;
}

/** Counters of a sink stream; they count committed work only. */
export interface SinkStats {
  /** Batches committed. */
  batches: number;
  /** Rows committed. */
  rows: number;
}

/** Options of a sink stream. */
export interface SinkStreamOptions extends RowOptions {
  /**
   * Kind of item in each batch's `events`: "events" (default) for plain
   * event objects, as createBatcher emits them, or "raw-events" for
   * RawEvents, whose original line text goes to the event column unchanged.
   */
  items?: 'events' | 'raw-events';
}

/** Writes each incoming batch to a BatchSink in one transaction; see the module notes for backpressure and failure. */
export class SinkStream extends Writable {
  readonly stats: SinkStats = { batches: 0, rows: 0 };
  readonly sink: BatchSink;
  readonly #rows: EventRowBuilder;
  readonly #raw: boolean;

  constructor(sink: BatchSink, options: SinkStreamOptions = {}) {
    super({ objectMode: true, highWaterMark: 1 });
    this.sink = sink;
    this.#rows = new EventRowBuilder(options);
    this.#raw = options.items === 'raw-events';
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.sink.open().then(
      () => callback(),
      (err: unknown) => callback(new EvprocError('ERR_SINK_FAILED', `cannot open ${this.sink.target}: ${messageOf(err)}`, { cause: err })),
    );
  }

  override _write(batch: Batch<Event | RawEvent>, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let rows: EventRow[];
    try {
      rows = this.#rowsOf(batch);
    } catch (err) {
      callback(this.#failure(batch, err));
      return;
    }
    this.sink.writeRows(rows).then(
      () => {
        this.stats.batches++;
        this.stats.rows += rows.length;
        callback();
      },
      (err: unknown) => callback(this.#failure(batch, err)),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.close().then(
      () => callback(),
      (err: unknown) => callback(new EvprocError('ERR_SINK_FAILED', `cannot close ${this.sink.target}: ${messageOf(err)}`, { cause: err })),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A close failure after another error would only hide the first one.
    this.sink.close().then(
      () => callback(error),
      () => callback(error),
    );
  }

  #rowsOf(batch: Batch<Event | RawEvent>): EventRow[] {
    const rows: EventRow[] = new Array(batch.events.length);
    for (let i = 0; i < batch.events.length; i++) {
      if (this.#raw) {
        const item = batch.events[i] as RawEvent;
        rows[i] = this.#rows.rowOf(batch.batch_id, item.event, item.text);
      } else {
        rows[i] = this.#rows.rowOf(batch.batch_id, batch.events[i] as Event, undefined);
      }
    }
    return rows;
  }

  #failure(batch: Batch<unknown>, err: unknown): EvprocError {
    const committed = `${this.stats.batches} earlier batches (${this.stats.rows} rows) stay committed`;
    return new EvprocError(
      'ERR_SINK_FAILED',
      `failed to write batch ${batch.batch_id} (${batch.size} events) to ${this.sink.target}: ${messageOf(err)}; the batch was rolled back, ${committed}`,
      { cause: err },
    );
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

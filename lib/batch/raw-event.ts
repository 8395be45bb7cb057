import type { Downstream } from '../core/operator.js';
import type { Event } from '../event/event.js';
import type { NdjsonParserOptions } from '../io/ndjson-parser.js';
import { MultiInputParseOperator } from '../io/ndjson-reader.js';
import { NdjsonStringifyOperator } from '../io/ndjson-writer.js';
import { containsNulCharacter, NUL_CHARACTER_REASON } from '../sinks/postgres-sink.js';
import { EventRejecter } from '../transforms/raw-line.js';
import type { Batch } from './batcher.js';

/**
 * A parsed event with the JSON text of its input line. Writing `text`
 * instead of re-serializing `event` keeps what JSON.parse would change:
 * integers beyond 2^53, number spellings such as 1.50, and key order.
 */
export interface RawEvent {
  event: Event;
  /** The line as read, without its line end; valid JSON. */
  text: string;
}

/** Options of RawEventParseOperator besides the parser's. */
export interface RawEventCheckOptions {
  /**
   * Reject an event with the character U+0000 in a key or string value like
   * an invalid line (counted in `rejected`, given to onReject, fatal with
   * onError "fail"), because PostgreSQL cannot store it. Default false.
   */
  rejectNulCharacters?: boolean;
}

/** Parses InputChunks like MultiInputParseOperator but emits RawEvents instead of bare events. */
export class RawEventParseOperator extends MultiInputParseOperator {
  readonly #rejecter: EventRejecter | undefined;

  constructor(options: Omit<NdjsonParserOptions, 'inputName'> = {}, checks: RawEventCheckOptions = {}) {
    super(options);
    this.#rejecter = checks.rejectNulCharacters === true ? new EventRejecter(this, options) : undefined;
  }

  /** Events that parsed but were rejected by a check; the parser's `stats` count them as events. */
  get rejected(): number {
    return this.#rejecter?.count ?? 0;
  }

  protected override emit(event: Event, line: string): void {
    // JSON text can carry U+0000 only as the escape \u0000, so most lines skip the walk over the event.
    if (this.#rejecter !== undefined && line.includes('\\u0000') && containsNulCharacter(event)) {
      this.#rejecter.reject(NUL_CHARACTER_REASON, line);
      return;
    }
    (this.next as unknown as Downstream<RawEvent>).push({ event, text: line });
  }
}

/**
 * Writes each batch of RawEvents as one NDJSON line
 * `{"batch_id":…,"created_at":…,"size":…,"events":[…]}` with the events'
 * original text, joined without re-serializing them.
 */
export class BatchLineOperator extends NdjsonStringifyOperator {
  override push(item: unknown): void {
    this.pushLine(formatBatchLine(item as Batch<RawEvent>));
  }
}

/** Formats a batch of RawEvents as a JSON object on one line. */
export function formatBatchLine(batch: Batch<RawEvent>): string {
  let events = '';
  for (let i = 0; i < batch.events.length; i++) {
    if (i > 0) events += ',';
    events += batch.events[i]!.text;
  }
  return `{"batch_id":${batch.batch_id},"created_at":${batch.created_at},"size":${batch.size},"events":[${events}]}`;
}

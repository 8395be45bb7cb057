import type { Downstream } from '../core/operator.js';
import type { Event } from '../event/event.js';
import { MultiInputParseOperator } from '../io/ndjson-reader.js';
import { NdjsonStringifyOperator } from '../io/ndjson-writer.js';
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

/** Parses InputChunks like MultiInputParseOperator but emits RawEvents instead of bare events. */
export class RawEventParseOperator extends MultiInputParseOperator {
  protected override emit(event: Event, line: string): void {
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

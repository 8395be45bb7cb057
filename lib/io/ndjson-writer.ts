import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';

/** Text gathered before it is pushed even in the middle of an input chunk, in UTF-16 code units. */
const FLUSH_THRESHOLD = 64 * 1024;

/**
 * Serializes items as NDJSON lines. Lines are joined and pushed as one string
 * per input chunk (or per 64 Ki characters), because one push per line costs
 * more than the serialization. Numbers that JSON cannot hold (NaN, Infinity)
 * become null, as JSON.stringify writes them.
 */
export class NdjsonStringifyOperator extends Operator<unknown, string> {
  #pending = '';

  push(item: unknown): void {
    this.#pending += JSON.stringify(item) + '\n';
    if (this.#pending.length >= FLUSH_THRESHOLD) this.#flushPending();
  }

  /** Adds a line that is already serialized JSON, without its line end. */
  pushLine(line: string): void {
    this.#pending += line + '\n';
    if (this.#pending.length >= FLUSH_THRESHOLD) this.#flushPending();
  }

  override drain(): void {
    this.#flushPending();
    this.next.drain();
  }

  override end(): void {
    this.#flushPending();
    this.next.end();
  }

  #flushPending(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending;
    this.#pending = '';
    this.next.push(text);
  }
}

/** Creates a Transform from objects to NDJSON text. */
export function createNdjsonWriter(options: { highWaterMark?: number } = {}): OperatorTransform {
  return new OperatorTransform([new NdjsonStringifyOperator()], {
    writableObjectMode: true,
    readableObjectMode: false,
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  });
}

/**
 * Helpers that let a fused CLI chain write events as the exact line they
 * were read from, so every number keeps its spelling (JSON.parse rounds
 * integers beyond 2^53, and JSON.stringify would write the rounded value).
 *
 * They rely on the operator contract: the parser pushes each event
 * synchronously, so while a downstream operator handles an event,
 * `lastLine` is that event's line. A stage that holds events and pushes
 * them later (a window, a buffer) must copy the line when it receives it.
 */
import { Operator } from '../core/operator.js';
import type { Event } from '../event/event.js';
import { MultiInputParseOperator } from '../io/ndjson-reader.js';
import { NdjsonStringifyOperator } from '../io/ndjson-writer.js';
import { InvalidLineError, type OnError, type Rejection, type RejectionHandler } from '../io/rejection.js';

/** A source of the line text of the event being pushed. */
export interface CurrentLine {
  /** Line text without its line end; leading and trailing spaces are kept. */
  readonly lastLine: string;
}

/** A MultiInputParseOperator that records the line text of each event before pushing it. */
export class LineTrackingParseOperator extends MultiInputParseOperator implements CurrentLine {
  lastLine = '';

  protected override emit(event: Event, line: string): void {
    this.lastLine = line;
    this.next.push(event);
  }
}

/** Replaces each event by the text of the line it was parsed from. */
export class RawLineOperator extends Operator<Event, string> {
  readonly #lines: CurrentLine;

  constructor(lines: CurrentLine) {
    super();
    this.#lines = lines;
  }

  push(_event: Event): void {
    this.next.push(this.#lines.lastLine);
  }
}

/** Joins lines that are already serialized JSON into NDJSON text, like NdjsonStringifyOperator without the serialization. */
export class JsonLineWriterOperator extends NdjsonStringifyOperator {
  override push(line: unknown): void {
    this.pushLine(line as string);
  }
}

/**
 * Rejects the event being pushed by a MultiInputParseOperator for a reason
 * found after parsing, the way the parser rejects a bad line. The rejection
 * (input, line, reason, text) goes to `onReject`, such as the dead-letter
 * file, and with onError "fail" an InvalidLineError is thrown. `count`
 * counts the rejections, because the parser's stats do not include them.
 */
export class EventRejecter {
  count = 0;
  readonly #parse: MultiInputParseOperator;
  readonly #onError: OnError;
  readonly #onReject: RejectionHandler | undefined;

  constructor(parse: MultiInputParseOperator, options: { onError?: OnError; onReject?: RejectionHandler }) {
    this.#parse = parse;
    this.#onError = options.onError ?? 'fail';
    this.#onReject = options.onReject;
  }

  /** Rejects the current event; `text` is its line. Throws InvalidLineError with onError "fail". */
  reject(reason: string, text: string): void {
    this.count++;
    // position() is "input:line"; an input name may contain ":", the line number never does.
    const position = this.#parse.position();
    const colon = position.lastIndexOf(':');
    const rejection: Rejection = { input: position.slice(0, colon), line: Number(position.slice(colon + 1)), reason, text };
    this.#onReject?.(rejection);
    if (this.#onError === 'fail') throw new InvalidLineError(rejection);
  }
}

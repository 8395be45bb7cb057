import { StringDecoder } from 'node:string_decoder';
import { InvalidOptionError } from '../errors.js';
import { isJsonObject, type Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { describeInvalidTimestamp, toEpochMs, type TimeUnit } from '../event/timestamp.js';
import { InvalidLineError, type OnError, type Rejection, type RejectionHandler } from './rejection.js';

/** Options of the NDJSON line parser. The object is read once and not kept. */
export interface NdjsonParserOptions {
  /** Name used in messages and dead letters. Default "stdin". */
  inputName?: string;
  /** Longest accepted line, in bytes of UTF-8 without the line end. Default 1 MiB. */
  maxLineBytes?: number;
  /** "fail" (default) throws on the first bad line; "skip" counts it and goes on. */
  onError?: OnError;
  /** Called with every rejected line, in both modes. */
  onReject?: RejectionHandler;
  /**
   * When set, an event whose field at this dotted path is not a valid
   * timestamp is rejected like a malformed line. Default: no check.
   */
  timeField?: string;
  /** Unit of numeric timestamps for that check. Default "ms". */
  timeUnit?: TimeUnit;
  /** When set, each event gets a top-level field of this name set to the input name (--tag-input). Default: none. */
  inputField?: string;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** Counters of one parser. `events` + `invalid` = non-blank lines seen. */
export interface ParserStats {
  lines: number;
  events: number;
  invalid: number;
}

/**
 * The NDJSON line state machine for one input. Feed it text or bytes with
 * `write`, then call `finish` once. Lines are split on "\n" only; a "\r"
 * before it is dropped, also when the two arrive in different chunks. A UTF-8
 * byte order mark at the start is skipped, blank lines are skipped without
 * counting as errors, and the last line needs no line end. Bytes that are not
 * valid UTF-8 decode to U+FFFD.
 *
 * Memory: at most one partial line, bounded by maxLineBytes. A line over
 * the limit is rejected as soon as the limit is passed, before its end
 * arrives.
 */
export class NdjsonLineParser {
  readonly stats: ParserStats = { lines: 0, events: 0, invalid: 0 };
  readonly inputName: string;
  readonly #maxLineBytes: number;
  readonly #onError: OnError;
  readonly #onReject: RejectionHandler | undefined;
  readonly #timeField: string | undefined;
  readonly #getTime: FieldGetter | undefined;
  readonly #timeUnit: TimeUnit;
  readonly #inputField: string | undefined;
  readonly #emit: (event: Event, line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  #carry = '';
  #atStart = true;
  /** True while skipping the rest of an over-long line. */
  #discarding = false;

  /** `emit` gets each event with its line text, without the line end, for callers that keep the original JSON. */
  constructor(options: NdjsonParserOptions, emit: (event: Event, line: string) => void) {
    this.inputName = options.inputName ?? 'stdin';
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isSafeInteger(this.#maxLineBytes) || this.#maxLineBytes < 1) {
      throw new InvalidOptionError(`invalid maximum line length ${options.maxLineBytes}: expected a positive whole number of bytes`);
    }
    this.#onError = options.onError ?? 'fail';
    this.#onReject = options.onReject;
    this.#timeField = options.timeField;
    this.#getTime = options.timeField === undefined ? undefined : compileFieldPath(options.timeField);
    this.#timeUnit = options.timeUnit ?? 'ms';
    this.#inputField = options.inputField;
    this.#emit = emit;
  }

  /** The number of the line being read, 1-based; 0 before any input. */
  get lineNumber(): number {
    return this.stats.lines;
  }

  write(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    if (this.#atStart) {
      if (text.length === 0) return;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.#atStart = false;
    }
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.#appendPartial(text);
      return;
    }
    let start = 0;
    if (this.#carry.length > 0 || this.#discarding) {
      const head = text.slice(0, newline);
      if (this.#discarding) {
        this.#discarding = false;
      } else {
        this.#line(this.#carry + head);
      }
      this.#carry = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    while (newline !== -1) {
      this.#line(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.#appendPartial(text.slice(start));
  }

  /** Ends the input: parses a last line that had no line end. */
  finish(): void {
    const rest = this.#decoder.end();
    if (rest.length > 0) this.write(rest);
    if (this.#discarding) {
      this.#discarding = false;
    } else if (this.#carry.length > 0) {
      const last = this.#carry;
      this.#carry = '';
      this.#line(last);
    }
  }

  /** Ends a cut-off input: a partial last line is dropped, not parsed. */
  abandon(): void {
    this.#decoder.end();
    this.#carry = '';
    this.#discarding = false;
  }

  #appendPartial(text: string): void {
    if (this.#discarding) return;
    this.#carry += text;
    if (this.#carry.length * 3 > this.#maxLineBytes && Buffer.byteLength(this.#carry) > this.#maxLineBytes + 1) {
      // The +1 leaves room for a "\r" that the next chunk may end with "\n".
      const lineNumber = this.stats.lines + 1;
      const preview = this.#carry.slice(0, 80);
      this.#carry = '';
      this.#discarding = true;
      this.stats.lines = lineNumber;
      this.#reject(`line is longer than the limit of ${this.#maxLineBytes} bytes (raise it with --max-line-bytes)`, preview, true);
    }
  }

  #line(line: string): void {
    this.stats.lines++;
    let length = line.length;
    if (length > 0 && line.charCodeAt(length - 1) === 13) {
      line = line.slice(0, -1);
      length--;
    }
    if (length === 0) return;
    if (line.charCodeAt(0) !== 123 /* { */ && line.trim().length === 0) return;
    if (length * 3 > this.#maxLineBytes && Buffer.byteLength(line) > this.#maxLineBytes) {
      this.#reject(`line is longer than the limit of ${this.#maxLineBytes} bytes (raise it with --max-line-bytes)`, line.slice(0, 80), true);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      this.#reject(`invalid JSON: ${(err as Error).message}`, line, false);
      return;
    }
    if (!isJsonObject(value)) {
      this.#reject(`not a JSON object: the line holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`, line, false);
      return;
    }
    if (this.#getTime !== undefined) {
      const raw = this.#getTime(value);
      if (Number.isNaN(toEpochMs(raw, this.#timeUnit))) {
        this.#reject(describeInvalidTimestamp(this.#timeField!, raw), line, false);
        return;
      }
    }
    this.stats.events++;
    if (this.#inputField !== undefined) line = this.#tagInput(value, line);
    this.#emit(value, line);
  }

  /**
   * Sets the input field on the event and in its line text, so commands that
   * write the original line keep the tag. The field is appended before the
   * closing brace, so every other spelling is kept. Only when the event
   * already has that field is the line serialized again.
   */
  #tagInput(value: Event, line: string): string {
    const field = this.#inputField!;
    const replaced = Object.hasOwn(value, field);
    value[field] = this.inputName;
    if (replaced) return JSON.stringify(value);
    const close = line.lastIndexOf('}');
    const separator = Object.keys(value).length === 1 ? '' : ',';
    return `${line.slice(0, close)}${separator}${JSON.stringify(field)}:${JSON.stringify(this.inputName)}${line.slice(close)}`;
  }

  #reject(reason: string, text: string, tooLong: boolean): void {
    this.stats.invalid++;
    const rejection: Rejection = { input: this.inputName, line: this.stats.lines, reason, text };
    this.#onReject?.(rejection);
    if (this.#onError === 'fail') {
      throw new InvalidLineError(rejection, tooLong ? 'ERR_LINE_TOO_LONG' : 'ERR_INVALID_LINE');
    }
  }
}

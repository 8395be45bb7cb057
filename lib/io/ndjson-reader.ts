import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import type { Event } from '../event/event.js';
import type { InputChunk } from './input-chunk.js';
import { NdjsonLineParser, type NdjsonParserOptions, type ParserStats } from './ndjson-parser.js';

/** Parses raw bytes or text of a single input into events. */
export class NdjsonParseOperator extends Operator<Buffer | string, Event> {
  readonly parser: NdjsonLineParser;

  constructor(options: NdjsonParserOptions = {}) {
    super();
    this.parser = new NdjsonLineParser(options, (event) => this.next.push(event));
  }

  get stats(): ParserStats {
    return this.parser.stats;
  }

  push(chunk: Buffer | string): void {
    this.parser.write(chunk);
  }

  override end(): void {
    this.parser.finish();
    this.next.end();
  }
}

/**
 * Parses InputChunks from several named inputs, with one line parser (own
 * line numbers, own partial line) per input, so chunks of different inputs
 * may interleave.
 */
export class MultiInputParseOperator extends Operator<InputChunk, Event> {
  readonly #options: NdjsonParserOptions;
  readonly #parsers = new Map<string, NdjsonLineParser>();
  /** The parser of the chunk being read, for positions in messages. */
  #current: NdjsonLineParser | undefined;
  readonly stats: ParserStats = { lines: 0, events: 0, invalid: 0 };
  #finishedStats: ParserStats = { lines: 0, events: 0, invalid: 0 };

  constructor(options: Omit<NdjsonParserOptions, 'inputName'> = {}) {
    super();
    this.#options = { ...options };
  }

  push(chunk: InputChunk): void {
    let parser = this.#parsers.get(chunk.input);
    if (parser === undefined) {
      parser = new NdjsonLineParser({ ...this.#options, inputName: chunk.input }, (event, line) => this.emit(event, line));
      this.#parsers.set(chunk.input, parser);
    }
    this.#current = parser;
    try {
      if (chunk.data === null) {
        parser.finish();
        this.#retire(chunk.input, parser);
      } else {
        parser.write(chunk.data);
      }
    } finally {
      this.#refreshStats();
    }
  }

  /** Hands one parsed event on. Subclasses override it to pass on the line text too. */
  protected emit(event: Event, _line: string): void {
    this.next.push(event);
  }

  /** The input name and line number of the event being pushed, as `input:line`. */
  position(): string {
    const parser = this.#current;
    return parser === undefined ? 'input' : `${parser.inputName}:${parser.lineNumber}`;
  }

  /**
   * Ends every input. An input that did not get its end marker was cut off
   * (the source was stopped by a signal), so its partial last line is
   * dropped rather than parsed as if it were complete.
   */
  override end(): void {
    try {
      for (const [input, parser] of [...this.#parsers]) {
        parser.abandon();
        this.#retire(input, parser);
      }
    } finally {
      this.#refreshStats();
    }
    this.next.end();
  }

  #retire(input: string, parser: NdjsonLineParser): void {
    this.#parsers.delete(input);
    const done = this.#finishedStats;
    done.lines += parser.stats.lines;
    done.events += parser.stats.events;
    done.invalid += parser.stats.invalid;
  }

  #refreshStats(): void {
    let { lines, events, invalid } = this.#finishedStats;
    for (const parser of this.#parsers.values()) {
      lines += parser.stats.lines;
      events += parser.stats.events;
      invalid += parser.stats.invalid;
    }
    this.stats.lines = lines;
    this.stats.events = events;
    this.stats.invalid = invalid;
  }
}

/** Options of createNdjsonReader. */
export interface NdjsonReaderOptions extends NdjsonParserOptions {
  /** Readable-side buffer limit, in events. Default 16. */
  highWaterMark?: number;
}

/**
 * Creates a Transform from NDJSON bytes (or strings) to event objects; see
 * NdjsonLineParser for the reading rules. Bad lines follow `onError`: with
 * "fail" the stream is destroyed with an InvalidLineError naming the input and
 * line; with "skip" they are counted in `stats.invalid`.
 */
export function createNdjsonReader(options: NdjsonReaderOptions = {}): OperatorTransform & { stats: ParserStats } {
  const operator = new NdjsonParseOperator(options);
  const transform = new OperatorTransform([operator], {
    writableObjectMode: false,
    readableObjectMode: true,
    ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
  });
  return Object.assign(transform, { stats: operator.stats });
}

/**
 * A k-way merge by event time of inputs that are each sorted by time.
 *
 * Every input is read concurrently and split into lines. Each line's event
 * time is read with the same field path and unit as the rest of the run.
 * A min-heap over the head line of every input emits the line with the
 * smallest time next (ties go to the input named first). A line can only be
 * emitted once every input that has not ended has a line waiting, because a
 * still-empty input may yet produce an earlier one. The merge therefore runs
 * at the pace of the slowest input.
 *
 * Output: InputChunks that carry the original lines verbatim (with "\n"
 * added), batched per input, and `{ input, data: null }` when an input is
 * done. The stages downstream parse them as they would parse the files, so
 * line numbers in error messages are the lines of the original input. The
 * cost is a second JSON.parse of each line.
 *
 * Lines without a valid event time (blank, malformed, no timestamp) and
 * events older than an earlier event of the same input keep their place in
 * their input: they take the time of the latest event before them. The
 * older events are counted in `stats.outOfOrder` and emitted anyway, so
 * nothing is lost and the window stage downstream decides whether they are
 * late.
 *
 * Buffers: each input queues at most `perInputLines` lines (default 1024)
 * before it is paused, plus the lines of the one read of up to 64 KiB that
 * filled it; one line is at most maxLineBytes + 2 characters (a longer line
 * is cut there, and the parser downstream rejects it as too long). The readable
 * buffer holds up to highWaterMark chunks of up to 256 lines. Worst case in
 * memory: inputs × (perInputLines lines + 64 KiB) + highWaterMark × 256 lines.
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { InvalidOptionError } from '../errors.js';
import { isJsonObject } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { toEpochMs, type TimeUnit } from '../event/timestamp.js';
import type { InputChunk } from '../io/input-chunk.js';
import { checkInputNamesUnique, displayName, inputReadError, openInput, releaseStream, type InputStream } from '../io/input-source.js';
import { DEFAULT_MAX_LINE_BYTES } from '../io/ndjson-parser.js';
import { MinHeap } from './min-heap.js';

/** Default of OrderedMergeOptions.perInputLines. */
export const DEFAULT_MERGE_LINES_PER_INPUT = 1024;

/** Lines joined into one InputChunk at most. */
const MAX_BATCH_LINES = 256;

/** Options of OrderedMergeSource. The object is read once and not kept. */
export interface OrderedMergeOptions {
  /** Dotted path of the event time. Default "timestamp". */
  timeField?: string;
  /** Unit of numeric timestamps. Default "ms". */
  timeUnit?: TimeUnit;
  /** Lines queued per input before that input is paused. Default 1024. */
  perInputLines?: number;
  /** Maximum length of a line kept whole, in bytes. Longer lines are cut at maxLineBytes + 2 characters. Default 1 MiB. */
  maxLineBytes?: number;
  /** Readable-side buffer limit, in chunks of up to 256 lines. Default 4. */
  highWaterMark?: number;
  /** Stream used for "-". Default process.stdin. */
  stdin?: InputStream;
  /** Opens one input; default openInput. */
  open?: (input: string) => InputStream;
}

/** Counters of an ordered merge. */
export interface OrderedMergeStats {
  /** Lines read, blank and malformed ones included. */
  lines: number;
  /** Events with a time before an earlier event of the same input; emitted anyway. */
  outOfOrder: number;
}

interface QueuedLine {
  text: string;
  /** Merge key: the event time in epoch ms, or the input's latest time before it. */
  key: number;
}

interface MergeInput {
  /** Position on the command line; breaks ties between equal times. */
  order: number;
  input: string;
  name: string;
  stream: InputStream | undefined;
  /** Removes this source's listeners from the stream; set while the stream is open. */
  detach: (() => void) | undefined;
  queue: QueuedLine[];
  head: number;
  /** Decodes the input's bytes; a character split across reads is completed by the next read. */
  decoder: StringDecoder;
  /** Text of a line whose end has not arrived yet. */
  carry: string;
  /** True while skipping the rest of a line that is over the limit. */
  discarding: boolean;
  lastKey: number;
  paused: boolean;
  /** The input has no more bytes; its queue may still hold lines. */
  ended: boolean;
  inHeap: boolean;
  /** The end marker was emitted. */
  done: boolean;
}

function queued(input: MergeInput): number {
  return input.queue.length - input.head;
}

/** Returns the key that orders an input in the heap: its head line's time, or -Infinity for an ended input with nothing left, so it comes first. */
function headKey(input: MergeInput): number {
  return queued(input) > 0 ? input.queue[input.head]!.key : -Infinity;
}

function compareInputs(a: MergeInput, b: MergeInput): number {
  return headKey(a) - headKey(b) || a.order - b.order;
}

/**
 * Merges sorted inputs into one stream of InputChunks in event-time order;
 * see the module comment for the rules and the memory bound. With no inputs
 * it ends at once. `stop()` ends the merge early: what was already read is
 * emitted in merge order, then the stream ends.
 */
export class OrderedMergeSource extends Readable {
  readonly stats: OrderedMergeStats = { lines: 0, outOfOrder: 0 };
  readonly #inputs: MergeInput[];
  readonly #getTime: FieldGetter;
  readonly #timeUnit: TimeUnit;
  readonly #perInputLines: number;
  readonly #maxLineBytes: number;
  readonly #open: (input: string) => InputStream;
  readonly #heap = new MinHeap<MergeInput>(compareInputs);
  /** Inputs that have not ended and have no line queued: the merge waits for them. */
  readonly #starving = new Set<MergeInput>();
  #started = false;
  #wanted = false;
  #pumping = false;
  #stopped = false;
  #batchInput: MergeInput | undefined;
  #batch: string[] = [];

  constructor(inputs: readonly string[], options: OrderedMergeOptions = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 4 });
    checkInputNamesUnique(inputs);
    this.#getTime = compileFieldPath(options.timeField ?? 'timestamp');
    this.#timeUnit = options.timeUnit ?? 'ms';
    this.#perInputLines = options.perInputLines ?? DEFAULT_MERGE_LINES_PER_INPUT;
    if (!Number.isSafeInteger(this.#perInputLines) || this.#perInputLines < 1) {
      throw new InvalidOptionError(`invalid merge buffer of ${options.perInputLines} lines per input: expected a whole number of at least 1`);
    }
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const stdin = options.stdin ?? process.stdin;
    this.#open = options.open ?? ((input) => openInput(input, stdin));
    this.#inputs = inputs.map((input, order) => ({
      order,
      input,
      name: displayName(input),
      stream: undefined,
      detach: undefined,
      queue: [],
      head: 0,
      decoder: new StringDecoder('utf8'),
      carry: '',
      discarding: false,
      lastKey: -Infinity,
      paused: false,
      ended: false,
      inHeap: false,
      done: false,
    }));
  }

  /** Stops reading; what was already read is emitted in merge order, then the stream ends. */
  stop(): void {
    if (this.#stopped || this.destroyed) return;
    this.#stopped = true;
    for (const input of this.#inputs) {
      this.#release(input);
      if (!input.ended) this.#endInput(input, true);
    }
    this.#pump();
  }

  override _read(): void {
    this.#wanted = true;
    if (!this.#started) {
      this.#started = true;
      for (const input of this.#inputs) this.#startInput(input);
    }
    this.#pump();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopped = true;
    for (const input of this.#inputs) this.#release(input);
    callback(err);
  }

  #startInput(input: MergeInput): void {
    if (this.destroyed || this.#stopped) return;
    let stream: InputStream;
    try {
      stream = this.#open(input.input);
    } catch (err) {
      this.destroy(inputReadError(input.input, err as Error));
      return;
    }
    input.stream = stream;
    this.#starving.add(input);
    const onData = (data: Buffer | string): void => this.#onData(input, typeof data === 'string' ? data : input.decoder.write(data));
    const onEnd = (): void => {
      input.detach?.();
      if (this.#stopped) return;
      this.#endInput(input);
      this.#pump();
    };
    const onError = (err: Error): void => {
      input.detach?.();
      this.destroy(inputReadError(input.input, err));
    };
    input.detach = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      input.stream = undefined;
      input.detach = undefined;
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  }

  #onData(input: MergeInput, text: string): void {
    if (this.#stopped) return;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      this.#appendCarry(input, text.slice(start, newline));
      this.#takeLine(input);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.#appendCarry(input, text.slice(start));
    if (queued(input) >= this.#perInputLines && !input.paused) {
      input.paused = true;
      input.stream?.pause();
    }
    this.#pump();
  }

  #appendCarry(input: MergeInput, piece: string): void {
    if (input.discarding || piece.length === 0) return;
    // A line is kept up to maxLineBytes + 2 UTF-16 code units. A line cut there has more than maxLineBytes
    // bytes, so the parser downstream rejects it as too long.
    const room = this.#maxLineBytes + 2 - input.carry.length;
    if (piece.length > room) {
      input.carry += piece.slice(0, room);
      input.discarding = true;
      return;
    }
    input.carry += piece;
  }

  /** Queues the carried bytes as one line; called at each "\n" and at the end of the input. */
  #takeLine(input: MergeInput): void {
    const text = input.carry;
    input.carry = '';
    input.discarding = false;
    this.stats.lines++;
    let key = input.lastKey;
    const time = this.#timeOf(text);
    if (!Number.isNaN(time)) {
      if (time < input.lastKey) this.stats.outOfOrder++;
      else key = time;
    }
    input.lastKey = key;
    input.queue.push({ text, key });
    if (!input.inHeap) {
      this.#starving.delete(input);
      input.inHeap = true;
      this.#heap.push(input);
    }
  }

  /** Returns the event time of a line in epoch ms, or NaN when the line has none. */
  #timeOf(text: string): number {
    const first = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    // JSON.parse rejects blank lines too.
    if (first.length === 0 || first.length > this.#maxLineBytes) return NaN;
    let value: unknown;
    try {
      value = JSON.parse(first);
    } catch {
      return NaN;
    }
    return isJsonObject(value) ? toEpochMs(this.#getTime(value), this.#timeUnit) : NaN;
  }

  /** Marks an input as ended. A cut-off input (stopped by a signal) drops its partial last line instead of passing it on. */
  #endInput(input: MergeInput, cutOff = false): void {
    const rest = input.decoder.end();
    if (cutOff) {
      input.carry = '';
      input.discarding = false;
    } else {
      if (rest.length > 0) this.#appendCarry(input, rest);
      if (input.carry.length > 0 || input.discarding) this.#takeLine(input);
    }
    input.ended = true;
    this.#starving.delete(input);
    if (!input.inHeap) {
      input.inHeap = true;
      this.#heap.push(input);
    }
  }

  /** Emits lines in time order while the reader wants more and no open input is empty. */
  #pump(): void {
    if (this.#pumping || this.destroyed) return;
    this.#pumping = true;
    try {
      for (;;) {
        if (!this.#wanted && !this.#stopped) break;
        if (this.#starving.size > 0 && !this.#stopped) {
          this.#flushBatch();
          for (const input of this.#starving) this.#resume(input);
          break;
        }
        const input = this.#heap.pop();
        if (input === undefined) {
          this.#flushBatch();
          this.push(null);
          break;
        }
        input.inHeap = false;
        if (queued(input) === 0) {
          // An ended input with nothing left: close its parser downstream.
          this.#flushBatch();
          input.done = true;
          this.#wanted = this.push({ input: input.name, data: null } satisfies InputChunk);
          continue;
        }
        this.#emitLine(input, input.queue[input.head++]!.text);
        this.#compact(input);
        if (queued(input) > 0 || input.ended) {
          input.inHeap = true;
          this.#heap.push(input);
        } else {
          this.#starving.add(input);
        }
        if (input.paused && queued(input) <= this.#perInputLines / 2) this.#resume(input);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #emitLine(input: MergeInput, text: string): void {
    if (this.#batchInput !== input) this.#flushBatch();
    this.#batchInput = input;
    this.#batch.push(text);
    if (this.#batch.length >= MAX_BATCH_LINES) this.#flushBatch();
  }

  #flushBatch(): void {
    const input = this.#batchInput;
    if (input === undefined || this.#batch.length === 0) return;
    const data = Buffer.from(this.#batch.join('\n') + '\n');
    this.#batch = [];
    this.#batchInput = undefined;
    this.#wanted = this.push({ input: input.name, data } satisfies InputChunk);
  }

  #compact(input: MergeInput): void {
    if (input.head === input.queue.length) {
      input.queue = [];
      input.head = 0;
    } else if (input.head >= 1024 && input.head * 2 >= input.queue.length) {
      input.queue = input.queue.slice(input.head);
      input.head = 0;
    }
  }

  #resume(input: MergeInput): void {
    if (input.stream === undefined) return;
    input.paused = false;
    input.stream.resume();
  }

  #release(input: MergeInput): void {
    const stream = input.stream;
    input.detach?.();
    if (stream !== undefined) releaseStream(stream);
  }
}


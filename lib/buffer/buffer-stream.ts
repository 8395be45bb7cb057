/**
 * A bounded buffer between a writer and a slower reader, with a policy for
 * when it is full.
 *
 * What it buffers: up to `capacity` items in a ring buffer of its own. The
 * readable side pushes only when the reader asks (`_read`), one item per
 * request in object mode, so what the reader has not taken stays in the ring
 * where the policy can act on it.
 *
 * When it pushes back: with "block", the write callback of an item that
 * finds the ring full is held until the reader takes an item. So the writer
 * waits, through native stream backpressure, and nothing is dropped. The other
 * policies call every write callback at once and drop instead, so the
 * writer never waits.
 *
 * Worst case in memory: `capacity` items in the ring, plus one item pushed
 * to a reader that paused right after asking (object mode), plus, with
 * "block", the writable side's queue (its highWaterMark, 16 items by
 * default, for writers that respect `write()`'s return value). With
 * `ndjsonOutput`, pushed text is joined into chunks of at most about 64 Ki
 * characters, and the readable side keeps at most one chunk beyond its
 * 16 KiB highWaterMark.
 *
 * Counters: at every moment `received` = `delivered` + `dropped` +
 * `buffered`. An item counts as received when it enters the ring or is
 * dropped (a "block" writer that waits has not been received yet), and as
 * delivered when it is pushed to the readable side. At a normal end
 * `buffered` is 0; after an error it counts the items lost with the stream.
 */
import { Duplex } from 'node:stream';
import { MUST_WAIT, type AdmissionPolicy } from './policy.js';
import { RingBuffer } from './ring-buffer.js';
import type { BufferStats } from './buffer-stats.js';

/** Text joined into one push with `ndjsonOutput`, in UTF-16 code units. */
const NDJSON_CHUNK_CHARS = 64 * 1024;

interface WaitingWrite<T> {
  item: T;
  callback: (error?: Error | null) => void;
}

/** Settings of a BufferStream, already checked by createBuffer. */
export interface BufferStreamSettings<T> {
  capacity: number;
  policy: AdmissionPolicy<T>;
  /** Items are JSON lines without their line end, and the readable side emits NDJSON text. */
  ndjsonOutput: boolean;
}

/** The stream that createBuffer returns; see the module comment. */
export class BufferStream<T = unknown> extends Duplex {
  readonly stats: BufferStats = { received: 0, delivered: 0, dropped: 0, buffered: 0 };
  readonly policy: AdmissionPolicy<T>['name'];
  readonly capacity: number;
  readonly #ring: RingBuffer<T>;
  readonly #policy: AdmissionPolicy<T>;
  readonly #ndjsonOutput: boolean;
  /** True from a `_read` call until a push returns false. */
  #readPending = false;
  #delivering = false;
  #waiting: WaitingWrite<T> | undefined;
  #writableEnded = false;
  #readableEnded = false;

  constructor(settings: BufferStreamSettings<T>) {
    super({
      writableObjectMode: true,
      readableObjectMode: !settings.ndjsonOutput,
      // Object mode: 0, so nothing leaves the ring before the reader asks for it.
      ...(settings.ndjsonOutput ? {} : { readableHighWaterMark: 0 }),
    });
    this.capacity = settings.capacity;
    this.#ring = new RingBuffer<T>(settings.capacity);
    this.#policy = settings.policy;
    this.policy = settings.policy.name;
    this.#ndjsonOutput = settings.ndjsonOutput;
  }

  override _write(item: T, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const dropped = this.#policy.admit(this.#ring, item);
    if (dropped === MUST_WAIT) {
      this.#waiting = { item, callback };
      return;
    }
    this.stats.received++;
    this.stats.dropped += dropped;
    this.stats.buffered = this.#ring.length;
    if (this.#readPending) this.#deliver();
    callback();
  }

  override _read(): void {
    this.#readPending = true;
    this.#deliver();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#writableEnded = true;
    this.#deliver();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#ring.clear();
    this.#waiting = undefined;
    callback(error);
  }

  /** Pushes buffered items while the reader wants more, admits a waiting write, and ends the readable side once drained. */
  #deliver(): void {
    // push() can call back into _write or _read synchronously; the outer loop picks up their work.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#readPending && this.#ring.length > 0) {
        if (this.#ndjsonOutput) this.#pushText();
        else this.#pushItem();
        this.#admitWaiting();
      }
      this.#admitWaiting();
      if (this.#writableEnded && this.#ring.length === 0 && !this.#readableEnded) {
        this.#readableEnded = true;
        this.push(null);
      }
    } finally {
      this.#delivering = false;
    }
  }

  #pushItem(): void {
    const item = this.#ring.shift() as T;
    this.stats.delivered++;
    this.stats.buffered = this.#ring.length;
    this.#readPending = this.push(item);
  }

  #pushText(): void {
    let text = '';
    let count = 0;
    while (this.#ring.length > 0 && text.length < NDJSON_CHUNK_CHARS) {
      text += (this.#ring.shift() as string) + '\n';
      count++;
    }
    this.stats.delivered += count;
    this.stats.buffered = this.#ring.length;
    this.#readPending = this.push(text);
  }

  #admitWaiting(): void {
    const waiting = this.#waiting;
    if (waiting === undefined || this.#ring.isFull) return;
    this.#waiting = undefined;
    this.#ring.push(waiting.item);
    this.stats.received++;
    this.stats.buffered = this.#ring.length;
    waiting.callback();
  }
}

/**
 * Count-or-time batching.
 *
 * Buffers: the events of the one open batch, at most `count` of them.
 * Pushes back: a batch closed by count is pushed from `push`, so the
 * surrounding Transform's backpressure applies. A batch closed by the timer is
 * pushed from the timer callback, outside any write. That adds at most one
 * batch to the readable buffer per timer, because the next timer starts only
 * with new input.
 * Worst case in memory: `count` events in the open batch plus the batches
 * waiting in the readable buffer.
 */
import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import { systemClock, type Clock } from '../clock.js';
import { describeValue, InvalidOptionError } from '../errors.js';
import type { Event } from '../event/event.js';

/** Largest accepted batch size, in events; it bounds the memory of the open batch. */
export const MAX_BATCH_COUNT = 1_000_000;

/** Default batch size, in events. */
export const DEFAULT_BATCH_COUNT = 100;

/**
 * Longest accepted batch time limit, in milliseconds: 2^31 - 1, about 24.8
 * days. Node.js fires a longer setTimeout after 1 ms instead (with a
 * TimeoutOverflowWarning), which would close every batch at once.
 */
export const MAX_BATCH_MS = 2 ** 31 - 1;

/** One batch as emitted: `events` in arrival order, `size` = events.length. */
export interface Batch<T = Event> {
  /** 1, 2, 3 … in emission order, per batcher. */
  batch_id: number;
  /** When the batch was closed, in epoch milliseconds from the batcher's clock. */
  created_at: number;
  size: number;
  events: T[];
}

/** Options of a batcher. The object is read once and not kept. */
export interface BatcherOptions {
  /** Maximum events per batch; a batch that reaches it is emitted at once. Default 100, at most 1,000,000. */
  count?: number;
  /**
   * Maximum time, in milliseconds, that the first event of a batch waits
   * before the batch is emitted. The timer starts at the first event and
   * later events do not restart it. Default: no time limit, so batches close
   * only by count and at the end of input. At most MAX_BATCH_MS (about 24.8
   * days).
   */
  ms?: number;
  /** Source of time and timers. Default: the system clock. */
  clock?: Clock;
}

/** Counters of a batcher. */
export interface BatchStats {
  /** Events received. */
  events: number;
  /** Batches emitted. */
  batches: number;
  /** Events in the open batch, not yet emitted. */
  buffered: number;
}

/** Validates batcher options and returns a copy with defaults filled in. */
export function resolveBatcherOptions(options: BatcherOptions): { count: number; ms: number | undefined; clock: Clock } {
  const count = options.count ?? DEFAULT_BATCH_COUNT;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_BATCH_COUNT) {
    throw new InvalidOptionError(`invalid batch count ${describeValue(count)}: expected a whole number from 1 to ${MAX_BATCH_COUNT}`);
  }
  const ms = options.ms;
  if (ms !== undefined && (!Number.isSafeInteger(ms) || ms < 1 || ms > MAX_BATCH_MS)) {
    throw new InvalidOptionError(
      `invalid batch time limit ${describeValue(ms)}: expected a whole number of milliseconds from 1 to ${MAX_BATCH_MS} (about 24.8 days, the longest Node.js timer)`,
    );
  }
  return { count, ms, clock: options.clock ?? systemClock };
}

/**
 * Groups items into batches of up to `count`, closed by count or by time,
 * whichever comes first. No batch is ever empty, because the timer runs only
 * while the open batch contains an item. `end` emits the last partial batch.
 *
 * The item type is open so the CLI can batch events together with their
 * original line text; library users batch plain events.
 */
export class BatchOperator<T = Event> extends Operator<T, Batch<T>> {
  readonly stats: BatchStats = { events: 0, batches: 0, buffered: 0 };
  /**
   * Called when handing on a timer-closed batch throws. There is no caller to
   * throw to in a timer callback, so the owner must destroy its stream here.
   * Default: rethrow, which makes it an uncaught exception.
   */
  onTimerError: (err: unknown) => void = (err) => {
    throw err;
  };
  readonly #count: number;
  readonly #ms: number | undefined;
  readonly #clock: Clock;
  #items: T[] = [];
  #timer: unknown;
  #timerSet = false;
  #ended = false;

  constructor(options: BatcherOptions = {}) {
    super();
    const resolved = resolveBatcherOptions(options);
    this.#count = resolved.count;
    this.#ms = resolved.ms;
    this.#clock = resolved.clock;
  }

  push(item: T): void {
    if (this.#ended) return;
    this.stats.events++;
    this.#items.push(item);
    this.stats.buffered = this.#items.length;
    if (this.#items.length >= this.#count) {
      this.#emit();
    } else if (this.#items.length === 1 && this.#ms !== undefined) {
      this.#timer = this.#clock.setTimeout(() => this.#onTimer(), this.#ms);
      this.#timerSet = true;
    }
  }

  override end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#emit();
    this.next.end();
  }

  /** Stops the timer and drops the open batch; for a stream that is destroyed. */
  cancel(): void {
    this.#ended = true;
    this.#clearTimer();
    this.#items = [];
    this.stats.buffered = 0;
  }

  #onTimer(): void {
    this.#timerSet = false;
    if (this.#ended) return;
    try {
      this.#emit();
      // Outside a write nothing else calls drain, and the NDJSON writer keeps lines until it is called.
      this.next.drain();
    } catch (err) {
      this.onTimerError(err);
    }
  }

  #emit(): void {
    this.#clearTimer();
    if (this.#items.length === 0) return;
    const events = this.#items;
    this.#items = [];
    this.stats.buffered = 0;
    this.stats.batches++;
    this.next.push({ batch_id: this.stats.batches, created_at: this.#clock.now(), size: events.length, events });
  }

  #clearTimer(): void {
    if (!this.#timerSet) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timerSet = false;
  }
}

/** Options of createBatcher. */
export interface BatcherTransformOptions extends BatcherOptions {
  /** Readable-side buffer limit, in batches. Default 16. */
  highWaterMark?: number;
}

/**
 * Creates an objectMode Transform from events to batches
 * `{ batch_id, created_at, size, events }`. Destroying the stream stops the
 * timer and drops the open batch. An error while pushing a timer-closed batch
 * destroys the stream with that error.
 */
export function createBatcher(options: BatcherTransformOptions = {}): OperatorTransform & { stats: BatchStats } {
  const operator = new BatchOperator<Event>(options);
  const transform = new OperatorTransform([operator], options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  operator.onTimerError = (err) => transform.destroy(err as Error);
  transform.once('close', () => operator.cancel());
  return Object.assign(transform, { stats: operator.stats });
}

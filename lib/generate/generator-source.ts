import { Readable } from 'node:stream';
import { systemClock, type Clock } from '../clock.js';
import { InvalidOptionError } from '../errors.js';
import { DEFAULT_START_TIME, MAX_TIMESTAMP, SensorEventGenerator, type SensorModelOptions } from './sensor-model.js';

/** Options of GeneratorSource. The object is read once and not kept. */
export interface GeneratorSourceOptions extends Omit<SensorModelOptions, 'stepMs'> {
  /** Events to emit before ending. Default: no limit, run until stop() or destroy(). */
  count?: number;
  /**
   * Events per second of wall-clock time. Also sets the simulated clock's
   * step to 1000 / rate ms per event. Default: unpaced, with a simulated
   * step of 1 ms per event.
   */
  rate?: number;
  /** Output form: "ndjson" (text, one string per batch) or "objects". Default "ndjson". */
  format?: 'ndjson' | 'objects';
  /** Maximum events generated per push. Default 256. */
  batchSize?: number;
  /** Shortest wait between paced ticks, in ms. Default 10. */
  minTickMs?: number;
  /**
   * Maximum lag, in ms, behind the schedule (a slow reader, a busy process)
   * that a paced source still catches up on. When the oldest event not yet
   * written was due longer ago than this, the schedule skips ahead to now
   * instead of writing the backlog in one burst. The skipped time is counted
   * in `stats.skippedMs`. Default 100.
   */
  maxLagMs?: number;
  /** Readable-side buffer limit: bytes for "ndjson" (default 16 KiB), events for "objects" (default 16). */
  highWaterMark?: number;
  /** Clock for pacing. Default: the system clock, with timers that keep the process alive while it waits. */
  clock?: Clock;
}

/** Counters of a generator source. */
export interface GeneratorStats {
  /** Events generated and pushed. */
  generated: number;
  /** Paced only: schedule time skipped because the source fell more than maxLagMs behind, in ms. */
  skippedMs: number;
  /** True when a run without a count ended because the next timestamp would pass MAX_TIMESTAMP. */
  reachedTimeLimit: boolean;
}

const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_MIN_TICK_MS = 10;
const DEFAULT_MAX_LAG_MS = 100;
/** Maximum delay of one Node.js timer (2^31 − 1 ms, about 24.8 days). Longer waits chain several timers. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
/**
 * Events generated before the source lets the event loop run (setImmediate).
 * When stdout is a file, writes complete synchronously and the consumer
 * requests more at once. Without this pause, signals, timers and
 * --stats-interval reports would wait until the run ends.
 */
const EVENTS_PER_TURN = 8192;

/**
 * The system clock with ref'd timers: systemClock unrefs its timers, and a
 * paced generator waiting for its next event is what keeps the process alive.
 */
const keepAliveClock: Clock = {
  now: () => systemClock.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A Readable of simulated sensor events (see SensorEventGenerator), as
 * NDJSON text or as event objects.
 *
 * Backpressure: events are generated only when the consumer requests more
 * (`_read`), and generation stops as soon as `push()` returns false, so a
 * slow reader slows the generator. Worst case in memory: the highWaterMark
 * plus one batch (`batchSize` events). After every EVENTS_PER_TURN events
 * the source waits for one turn of the event loop (setImmediate), so a
 * consumer that never pushes back cannot starve signal handlers and timers.
 *
 * Pacing: with `rate`, event i is due at t0 + i · 1000 / rate ms on the
 * clock, where t0 is the clock time of the first read. Each tick emits every
 * event due by then (in batches), then waits on a clock timer until the next
 * event is due, but at least `minTickMs`. Scheduling against t0 keeps long
 * runs on rate (late timers do not add up), and the source never emits an
 * event before it is due. When the source falls more than `maxLagMs` behind,
 * t0 moves forward so the next event is due now: the backlog is skipped, not
 * written in a burst. So over any interval of W ms the source writes at
 * most rate · (W + maxLagMs) / 1000 + 1 events.
 */
export class GeneratorSource extends Readable {
  readonly stats: GeneratorStats = { generated: 0, skippedMs: 0, reachedTimeLimit: false };
  readonly #model: SensorEventGenerator;
  readonly #count: number;
  /** Events whose timestamps are at most MAX_TIMESTAMP; a run without a count ends after them. */
  readonly #validCount: number;
  readonly #rate: number | undefined;
  readonly #objects: boolean;
  readonly #batchSize: number;
  readonly #minTickMs: number;
  readonly #maxLagMs: number;
  readonly #clock: Clock;
  /** When paced: event #anchorIndex is due at clock time #anchorAt; set at the first read, moved when the source falls behind. */
  #anchorAt: number | undefined;
  #anchorIndex = 0;
  #timer: unknown;
  #immediate: NodeJS.Immediate | undefined;
  /** Events generated since the event loop last ran. */
  #eventsThisTurn = 0;
  /** True while a timer or an immediate will resume generation; `_read` then does nothing. */
  #waiting = false;
  #ended = false;

  constructor(options: GeneratorSourceOptions = {}) {
    const objects = (options.format ?? 'ndjson') === 'objects';
    super({ objectMode: objects, ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }) });
    const count = options.count ?? Infinity;
    if (count !== Infinity && (!Number.isSafeInteger(count) || count < 0)) {
      throw new InvalidOptionError(`invalid count ${count}: expected a whole number of events, 0 or more`);
    }
    const rate = options.rate;
    if (rate !== undefined && (!Number.isFinite(rate) || rate <= 0)) {
      throw new InvalidOptionError(`invalid rate ${rate}: expected a number of events per second above 0`);
    }
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new InvalidOptionError(`invalid batch size ${batchSize}: expected a whole number of events, at least 1`);
    }
    const minTickMs = options.minTickMs ?? DEFAULT_MIN_TICK_MS;
    if (!Number.isFinite(minTickMs) || minTickMs < 0) {
      throw new InvalidOptionError(`invalid minimum tick ${minTickMs}: expected a number of milliseconds, 0 or more`);
    }
    const maxLagMs = options.maxLagMs ?? DEFAULT_MAX_LAG_MS;
    if (!Number.isFinite(maxLagMs) || maxLagMs < 0) {
      throw new InvalidOptionError(`invalid maximum lag ${maxLagMs}: expected a number of milliseconds, 0 or more`);
    }
    this.#model = new SensorEventGenerator({
      ...(options.sources === undefined ? {} : { sources: options.sources }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      stepMs: rate === undefined ? 1 : 1000 / rate,
    });
    this.#validCount = countValidEvents(this.#model);
    if (count !== Infinity && count > this.#validCount) {
      const start = options.startTime ?? DEFAULT_START_TIME;
      throw new InvalidOptionError(
        `invalid start time ${start} for ${count} events: the last event would have timestamp ${this.#model.timestampOf(count - 1)}, past the largest valid timestamp ${MAX_TIMESTAMP}; start earlier or lower the count to ${this.#validCount} or less`,
      );
    }
    this.#count = count;
    this.#rate = rate;
    this.#objects = objects;
    this.#batchSize = batchSize;
    this.#minTickMs = minTickMs;
    this.#maxLagMs = maxLagMs;
    this.#clock = options.clock ?? keepAliveClock;
  }

  /** Ends the stream after the events already pushed; used on SIGINT and SIGTERM. */
  stop(): void {
    if (this.#ended) return;
    this.#cancelWait();
    this.#end();
  }

  override _read(): void {
    if (this.#waiting) return;
    this.#fill();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#ended = true;
    this.#cancelWait();
    callback(err);
  }

  /**
   * Pushes due events until the buffer is full, the count is reached, the
   * next event is not yet due, or this turn of the event loop has generated
   * enough.
   */
  #fill(): void {
    while (!this.#ended) {
      const remaining = Math.min(this.#count, this.#validCount) - this.stats.generated;
      if (remaining <= 0) {
        if (this.#count > this.#validCount) this.stats.reachedTimeLimit = true;
        this.#end();
        return;
      }
      let allowed = remaining;
      if (this.#rate !== undefined) {
        const now = this.#clock.now();
        const due = this.#dueBy(now);
        allowed = Math.min(allowed, due - this.stats.generated);
        if (allowed <= 0) {
          this.#waitUntilDue(now);
          return;
        }
      }
      if (this.#eventsThisTurn >= EVENTS_PER_TURN) {
        this.#waitForNextTurn();
        return;
      }
      const size = Math.min(allowed, this.#batchSize);
      this.#eventsThisTurn += size;
      if (!this.#pushBatch(size)) return;
    }
  }

  /**
   * Returns how many events are due at clock time `now` (events 0 … due − 1).
   * Moves the schedule forward first when the oldest unwritten event is more
   * than maxLagMs overdue.
   */
  #dueBy(now: number): number {
    const rate = this.#rate!;
    if (this.#anchorAt === undefined) {
      this.#anchorAt = now;
      this.#anchorIndex = 0;
    }
    const generated = this.stats.generated;
    const oldestDueAt = this.#anchorAt + ((generated - this.#anchorIndex) * 1000) / rate;
    if (now - oldestDueAt > this.#maxLagMs) {
      this.stats.skippedMs += now - oldestDueAt;
      this.#anchorAt = now;
      this.#anchorIndex = generated;
    }
    return this.#anchorIndex + Math.floor(((now - this.#anchorAt) * rate) / 1000) + 1;
  }

  /** Generates and pushes `size` events; returns false when the consumer wants no more for now. */
  #pushBatch(size: number): boolean {
    const model = this.#model;
    this.stats.generated += size;
    if (this.#objects) {
      let more = true;
      for (let i = 0; i < size; i++) more = this.push(model.next());
      return more;
    }
    let text = '';
    for (let i = 0; i < size; i++) text += model.nextLine() + '\n';
    return this.push(text);
  }

  /** Sets a timer for the next due event, at least minTickMs away; a wait beyond the longest timer delay takes several timers. */
  #waitUntilDue(now: number): void {
    const dueAt = this.#anchorAt! + ((this.stats.generated - this.#anchorIndex) * 1000) / this.#rate!;
    const delay = Math.min(Math.max(Math.ceil(dueAt - now), this.#minTickMs), MAX_TIMER_DELAY_MS);
    this.#waiting = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#waiting = false;
      this.#timer = undefined;
      this.#eventsThisTurn = 0;
      this.#fill();
    }, delay);
  }

  #waitForNextTurn(): void {
    this.#waiting = true;
    this.#immediate = setImmediate(() => {
      this.#waiting = false;
      this.#immediate = undefined;
      this.#eventsThisTurn = 0;
      this.#fill();
    });
  }

  #cancelWait(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#waiting = false;
  }

  #end(): void {
    this.#ended = true;
    this.push(null);
  }
}

/**
 * Returns how many events of `model` have a timestamp at most MAX_TIMESTAMP:
 * the smallest index whose timestamp passes it, found by binary search
 * (timestamps never decrease). Returns Infinity when that index is beyond
 * Number.MAX_SAFE_INTEGER, a run no one can finish.
 */
function countValidEvents(model: SensorEventGenerator): number {
  if (model.timestampOf(0) > MAX_TIMESTAMP) return 0;
  let high = 1;
  while (model.timestampOf(high) <= MAX_TIMESTAMP) {
    if (high > Number.MAX_SAFE_INTEGER / 2) return Infinity;
    high *= 2;
  }
  let low = 0;
  // Invariant: timestampOf(low) <= MAX_TIMESTAMP < timestampOf(high).
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (model.timestampOf(middle) <= MAX_TIMESTAMP) low = middle;
    else high = middle;
  }
  return high;
}

/** Creates a GeneratorSource; see its options. */
export function createGenerator(options: GeneratorSourceOptions = {}): GeneratorSource {
  return new GeneratorSource(options);
}

import { Readable } from 'node:stream';
import { systemClock, type Clock } from '../clock.js';
import { InvalidOptionError } from '../errors.js';
import { SensorEventGenerator, type SensorModelOptions } from './sensor-model.js';

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
  /** Most events generated per push. Default 256. */
  batchSize?: number;
  /** Shortest wait between paced ticks, in ms. Default 10. */
  minTickMs?: number;
  /** Readable-side buffer limit: bytes for "ndjson" (default 16 KiB), events for "objects" (default 16). */
  highWaterMark?: number;
  /** Clock for pacing. Default: the system clock, with timers that keep the process alive while it waits. */
  clock?: Clock;
}

/** Counters of a generator source. */
export interface GeneratorStats {
  /** Events generated and pushed. */
  generated: number;
}

const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_MIN_TICK_MS = 10;

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
 * Backpressure: events are generated only in `_read`, that is when the
 * consumer asks for more, and generation stops as soon as `push()` returns
 * false, so a slow reader slows the generator. Worst case in memory: the
 * highWaterMark plus one batch (`batchSize` events).
 *
 * Pacing: with `rate`, event i is due at t0 + i · 1000 / rate ms on the
 * clock, where t0 is the clock time of the first read. Each tick emits every
 * event due by then (in batches), then waits on a clock timer until the next
 * event is due, but at least `minTickMs`. Scheduling against t0 keeps long
 * runs on rate (timer delays do not add up), and the source never emits an
 * event before it is due, so it never exceeds the rate.
 */
export class GeneratorSource extends Readable {
  readonly stats: GeneratorStats = { generated: 0 };
  readonly #model: SensorEventGenerator;
  readonly #count: number;
  readonly #rate: number | undefined;
  readonly #objects: boolean;
  readonly #batchSize: number;
  readonly #minTickMs: number;
  readonly #clock: Clock;
  /** Clock time of the first read, when paced. */
  #startedAt: number | undefined;
  #timer: unknown;
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
    this.#model = new SensorEventGenerator({
      ...(options.sources === undefined ? {} : { sources: options.sources }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      stepMs: rate === undefined ? 1 : 1000 / rate,
    });
    this.#count = count;
    this.#rate = rate;
    this.#objects = objects;
    this.#batchSize = batchSize;
    this.#minTickMs = minTickMs;
    this.#clock = options.clock ?? keepAliveClock;
  }

  /** Ends the stream after the events already pushed; used on SIGINT and SIGTERM. */
  stop(): void {
    if (this.#ended) return;
    this.#cancelTimer();
    this.#end();
  }

  override _read(): void {
    if (this.#waiting) return;
    this.#fill();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#ended = true;
    this.#cancelTimer();
    callback(err);
  }

  /** Pushes due events until the buffer is full, the count is reached, or the next event is not yet due. */
  #fill(): void {
    while (!this.#ended) {
      const remaining = this.#count - this.stats.generated;
      if (remaining <= 0) {
        this.#end();
        return;
      }
      let allowed = remaining;
      if (this.#rate !== undefined) {
        const now = this.#clock.now();
        this.#startedAt ??= now;
        // Events 0 … due - 1 are due at or before now.
        const due = Math.floor(((now - this.#startedAt) * this.#rate) / 1000) + 1;
        allowed = Math.min(allowed, due - this.stats.generated);
        if (allowed <= 0) {
          this.#waitUntilDue(now);
          return;
        }
      }
      if (!this.#pushBatch(Math.min(allowed, this.#batchSize))) return;
    }
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

  #waitUntilDue(now: number): void {
    const dueAt = this.#startedAt! + (this.stats.generated * 1000) / this.#rate!;
    const delay = Math.max(Math.ceil(dueAt - now), this.#minTickMs);
    this.#waiting = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#waiting = false;
      this.#timer = undefined;
      this.#fill();
    }, delay);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiting = false;
  }

  #end(): void {
    this.#ended = true;
    this.push(null);
  }
}

/** Creates a GeneratorSource; see its options. */
export function createGenerator(options: GeneratorSourceOptions = {}): GeneratorSource {
  return new GeneratorSource(options);
}

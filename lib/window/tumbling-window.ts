import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import { EvprocError, InvalidOptionError } from '../errors.js';
import type { Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { DEFAULT_RANGE, validateRange } from '../event/severity.js';
import { describeInvalidTimestamp, toEpochMs, type TimeUnit } from '../event/timestamp.js';
import type { OnError } from '../io/rejection.js';
import { WindowAggregate, type WindowResult } from './window-aggregate.js';
import { compareWindowKeys, toWindowKey, type WindowKey } from './window-key.js';

/** Options of a tumbling event-time window. The object is read once and not kept. */
export interface TumblingWindowOptions {
  /** Window length in milliseconds; windows are [start, start + size) aligned to the Unix epoch. */
  size: number;
  /** Dotted path of the event time. Default "timestamp". */
  timeField?: string;
  /** Unit of numeric timestamps. Default "ms". */
  timeUnit?: TimeUnit;
  /** Dotted path of the value. Default "value". */
  valueField?: string;
  /** Dotted path of the grouping key (--by); one window series per key. Default: no key. */
  keyField?: string;
  /** Distance, in ms, by which the watermark trails the highest timestamp seen. Default 0. */
  allowedLateness?: number;
  /** Normalization range for severity counts. Default 0 to 100. */
  min?: number;
  max?: number;
  /** Called with every late event (its window was already emitted). */
  onLate?: (event: Event) => void;
  /**
   * Policy for an event without a valid timestamp, or whose key cannot be
   * serialized: "fail" (default) or "skip" (count it).
   */
  onInvalid?: OnError;
  /** Returns where the current event came from (`input:line`), for error messages. */
  describePosition?: () => string;
  /**
   * Names of the inputs that will feed this window through selectInput and
   * endInput. Each input then keeps its own highest timestamp, and the
   * watermark follows the slowest input that has not ended, so interleaved
   * inputs that are each in order produce no late events. Until every named
   * input has sent an event or ended, no window closes. Default: one input.
   */
  inputs?: readonly string[];
}

/** Highest timestamp seen on one input. */
interface InputClock {
  max: number;
}

/** Counters of a window stage. */
export interface WindowStats {
  /** Events that reached the window, valid or not. */
  received: number;
  invalid: number;
  late: number;
  /** Window results emitted. */
  windows: number;
}

type KeyGroup = Map<WindowKey, WindowAggregate>;

const NO_KEY = null;

/**
 * Tumbling windows in event time.
 *
 * The watermark is the highest timestamp seen minus allowedLateness. A window
 * is emitted once, when the watermark reaches its end; windows close in order
 * of start, then key. An event whose window end is at or before the watermark
 * is late: it is counted and handed to onLate, and never reopens a window.
 * Lateness is judged against that one watermark for every key, so an event
 * for a key with no open window can be late too. At the end of input every
 * open window is emitted.
 *
 * Memory: one aggregate per open (window, key) pair. Open windows span at
 * most allowedLateness / size + 2 window lengths, so memory grows with the
 * lateness and the number of keys, never with the input length.
 */
export class TumblingWindowOperator extends Operator<Event, WindowResult> {
  readonly stats: WindowStats = { received: 0, invalid: 0, late: 0, windows: 0 };
  readonly #size: number;
  readonly #timeUnit: TimeUnit;
  readonly #timeField: string;
  readonly #getTime: FieldGetter;
  readonly #getValue: FieldGetter;
  readonly #getKey: FieldGetter | undefined;
  readonly #lateness: number;
  readonly #rangeMin: number;
  readonly #rangeMax: number;
  readonly #onLate: ((event: Event) => void) | undefined;
  readonly #onInvalid: OnError;
  readonly #describePosition: (() => string) | undefined;
  /** Open windows by start, then by key. */
  readonly #open = new Map<number, KeyGroup>();
  /** Starts of the open windows, ascending; entries before #firstStart are closed. */
  #starts: number[] = [];
  #firstStart = 0;
  #watermark = -Infinity;
  /** Open inputs by name; one unnamed input when the option `inputs` is not given. */
  readonly #inputClocks = new Map<string, InputClock>();
  #currentClock: InputClock = { max: -Infinity };
  /** Minimum of the open inputs' highest timestamps. */
  #slowestMax = -Infinity;
  #cachedStart = NaN;
  #cachedGroup: KeyGroup | undefined;
  /** The aggregate of (#cachedStart, #cachedKey); undefined after a window switch or close. */
  #cachedKey: WindowKey | undefined;
  #cachedAggregate: WindowAggregate | undefined;
  /** The only open input's clock, when exactly one is open. */
  #soleClock: InputClock | undefined;

  constructor(options: TumblingWindowOptions) {
    super();
    const { size } = options;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new InvalidOptionError(`invalid window size ${size}: expected a whole number of milliseconds, at least 1`);
    }
    const lateness = options.allowedLateness ?? 0;
    if (!Number.isSafeInteger(lateness) || lateness < 0) {
      throw new InvalidOptionError(`invalid allowed lateness ${lateness}: expected a whole number of milliseconds, 0 or more`);
    }
    const range = validateRange({ min: options.min ?? DEFAULT_RANGE.min, max: options.max ?? DEFAULT_RANGE.max });
    this.#size = size;
    this.#lateness = lateness;
    this.#timeField = options.timeField ?? 'timestamp';
    this.#timeUnit = options.timeUnit ?? 'ms';
    this.#getTime = compileFieldPath(this.#timeField);
    this.#getValue = compileFieldPath(options.valueField ?? 'value');
    this.#getKey = options.keyField === undefined ? undefined : compileFieldPath(options.keyField);
    this.#rangeMin = range.min;
    this.#rangeMax = range.max;
    this.#onLate = options.onLate;
    this.#onInvalid = options.onInvalid ?? 'fail';
    this.#describePosition = options.describePosition;
    for (const input of options.inputs ?? []) this.#inputClocks.set(input, { max: -Infinity });
    if (this.#inputClocks.size === 0) this.#inputClocks.set('', this.#currentClock);
    this.#updateSoleClock();
  }

  #updateSoleClock(): void {
    this.#soleClock = this.#inputClocks.size === 1 ? this.#inputClocks.values().next().value : undefined;
  }

  /** Makes the following events count toward the clock of `input`. */
  selectInput(input: string): void {
    let clock = this.#inputClocks.get(input);
    if (clock === undefined) {
      // An input that was not named up front joins from its first event on.
      clock = { max: -Infinity };
      this.#inputClocks.set(input, clock);
      this.#updateSoleClock();
    }
    this.#currentClock = clock;
  }

  /** Stops waiting for `input`: the watermark may now pass its highest timestamp. */
  endInput(input: string): void {
    if (!this.#inputClocks.delete(input)) return;
    this.#updateSoleClock();
    this.#advanceWatermark();
  }

  /** The current watermark in epoch ms; -Infinity before the first event. */
  get watermark(): number {
    return this.#watermark;
  }

  /** Number of (window, key) aggregates held now. */
  get openWindowCount(): number {
    let count = 0;
    for (const group of this.#open.values()) count += group.size;
    return count;
  }

  push(event: Event): void {
    this.stats.received++;
    const raw = this.#getTime(event);
    const timestamp = typeof raw === 'number' && this.#timeUnit === 'ms' && Number.isFinite(raw) ? raw : toEpochMs(raw, this.#timeUnit);
    if (Number.isNaN(timestamp)) {
      this.#invalid(describeInvalidTimestamp(this.#timeField, raw));
      return;
    }

    let key: WindowKey = NO_KEY;
    if (this.#getKey !== undefined) {
      try {
        key = toWindowKey(this.#getKey(event));
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        this.#invalid(`the grouping key is nested too deeply to serialize (${err.message})`);
        return;
      }
    }

    const clock = this.#currentClock;
    if (timestamp > clock.max) {
      const wasSlowest = clock.max === this.#slowestMax;
      clock.max = timestamp;
      if (wasSlowest) this.#advanceWatermark();
    }

    const size = this.#size;
    const start = Math.floor(timestamp / size) * size;
    if (start + size <= this.#watermark) {
      this.stats.late++;
      this.#onLate?.(event);
      return;
    }

    let group: KeyGroup | undefined;
    if (start === this.#cachedStart) {
      group = this.#cachedGroup!;
    } else {
      group = this.#open.get(start);
      if (group === undefined) {
        group = new Map();
        this.#open.set(start, group);
        this.#insertStart(start);
      }
      this.#cachedStart = start;
      this.#cachedGroup = group;
      this.#cachedAggregate = undefined;
      this.#cachedKey = undefined;
    }

    let aggregate: WindowAggregate | undefined;
    if (group === this.#cachedGroup && key === this.#cachedKey) {
      aggregate = this.#cachedAggregate!;
    } else {
      aggregate = group.get(key);
      if (aggregate === undefined) {
        aggregate = new WindowAggregate();
        group.set(key, aggregate);
      }
      this.#cachedKey = key;
      this.#cachedAggregate = aggregate;
    }
    aggregate.add(this.#getValue(event), this.#rangeMin, this.#rangeMax);
  }

  override end(): void {
    this.#closeUpTo(Infinity);
    this.next.end();
  }

  /** Recomputes the watermark from the open inputs and closes the windows it passed. */
  #advanceWatermark(): void {
    const clocks = this.#inputClocks;
    if (clocks.size === 0) return;
    let slowest: number;
    if (this.#soleClock !== undefined) {
      slowest = this.#soleClock.max;
    } else {
      slowest = Infinity;
      for (const clock of clocks.values()) if (clock.max < slowest) slowest = clock.max;
    }
    this.#slowestMax = slowest;
    const watermark = slowest - this.#lateness;
    if (watermark <= this.#watermark) return;
    this.#watermark = watermark;
    if (this.#firstStart < this.#starts.length && this.#starts[this.#firstStart]! + this.#size <= watermark) {
      this.#closeUpTo(watermark);
    }
  }

  /** Counts an invalid event, or throws when invalid events fail the run. */
  #invalid(reason: string): void {
    this.stats.invalid++;
    if (this.#onInvalid === 'fail') {
      const where = this.#describePosition === undefined ? '' : `${this.#describePosition()}: `;
      throw new EvprocError('ERR_INVALID_EVENT', `${where}${reason}. Fix the event, or skip such events with --on-error skip.`);
    }
  }

  /** Records a newly opened window start, keeping #starts ascending. */
  #insertStart(start: number): void {
    const starts = this.#starts;
    if (starts.length === this.#firstStart || start > starts[starts.length - 1]!) {
      starts.push(start);
      return;
    }
    // Out-of-order start (possible within the allowed lateness): binary search.
    let low = this.#firstStart;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! < start) low = middle + 1;
      else high = middle;
    }
    starts.splice(low, 0, start);
  }

  /** Emits, in order of start then key, every open window whose end is at or before `watermark`. */
  #closeUpTo(watermark: number): void {
    const size = this.#size;
    const starts = this.#starts;
    const keyed = this.#getKey !== undefined;
    while (this.#firstStart < starts.length && starts[this.#firstStart]! + size <= watermark) {
      const start = starts[this.#firstStart++]!;
      const group = this.#open.get(start)!;
      this.#open.delete(start);
      const keys = [...group.keys()];
      if (keys.length > 1) keys.sort(compareWindowKeys);
      for (const key of keys) {
        this.stats.windows++;
        this.next.push(group.get(key)!.toResult(start, start + size, keyed, key));
      }
    }
    // Drop the closed prefix when it is large, so the array stays O(open windows).
    if (this.#firstStart === starts.length) {
      starts.length = 0;
      this.#firstStart = 0;
    } else if (this.#firstStart > 1024 && this.#firstStart * 2 > starts.length) {
      this.#starts = starts.slice(this.#firstStart);
      this.#firstStart = 0;
    }
    this.#cachedStart = NaN;
    this.#cachedGroup = undefined;
    this.#cachedKey = undefined;
    this.#cachedAggregate = undefined;
  }
}

/** Options of createTumblingWindow. */
export interface TumblingWindowTransformOptions extends TumblingWindowOptions {
  /** Readable-side buffer limit, in window results. Default 16. */
  highWaterMark?: number;
}

/** Creates an objectMode Transform from events to WindowResults; see TumblingWindowOperator. */
export function createTumblingWindow(options: TumblingWindowTransformOptions): OperatorTransform & { stats: WindowStats } {
  const operator = new TumblingWindowOperator(options);
  const transform = new OperatorTransform([operator], options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  return Object.assign(transform, { stats: operator.stats });
}

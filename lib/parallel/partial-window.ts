import type { Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { toEpochMs, type TimeUnit } from '../event/timestamp.js';
import { WindowAggregate } from '../window/window-aggregate.js';
import { toWindowKey, type WindowKey } from '../window/window-key.js';

/** The window settings a worker needs; plain data, so it can be posted to a worker. */
export interface PartialWindowOptions {
  size: number;
  timeField: string;
  timeUnit: TimeUnit;
  valueField: string;
  keyField?: string;
  allowedLateness: number;
  min: number;
  max: number;
}

/** Fields per aggregate in PartialWindowResult.stats. */
export const STATS_FIELDS = 8;

/**
 * The windows of one batch of lines, as posted back by a worker. Aggregate i
 * has start `starts[i]`, key `keys[i]` and the statistics
 * `stats[i * 8 .. i * 8 + 7]`: count, numeric count, min, max, then the Low,
 * Medium, High and Critical counts. Sums are not summed here: `values` lists
 * every numeric value in arrival order with its aggregate in
 * `valueAggregates`, so the main thread adds them in the same order as a
 * single-threaded run and gets the same floating-point sums.
 */
export interface PartialWindowResult {
  /** Highest valid timestamp in the batch; -Infinity when it had none. */
  maxTimestamp: number;
  /** Events late against the batch's own watermark (the batch's highest timestamp so far). */
  localLate: number;
  /** Events whose timestamp was invalid; 0 when the parser checks timestamps. */
  invalid: number;
  starts: Float64Array;
  keys: WindowKey[];
  stats: Float64Array;
  values: Float64Array;
  valueAggregates: Int32Array;
}

/**
 * Aggregates the events of one batch as a single-threaded window would,
 * but without knowing the timestamps of earlier batches. An event is late
 * here when its window ended at or before this batch's watermark so far;
 * the main thread then marks whole aggregates late whose window ended at or
 * before the watermark reached by the earlier batches. Together these give
 * exactly the single-threaded lateness, because the single-threaded
 * watermark at an event is the larger of the two.
 */
export class PartialWindowAggregator {
  readonly #size: number;
  readonly #lateness: number;
  readonly #timeUnit: TimeUnit;
  readonly #getTime: FieldGetter;
  readonly #getValue: FieldGetter;
  readonly #getKey: FieldGetter | undefined;
  readonly #rangeMin: number;
  readonly #rangeMax: number;
  #maxTimestamp = -Infinity;
  #localLate = 0;
  #invalid = 0;
  #groups = new Map<number, Map<WindowKey, number>>();
  #starts: number[] = [];
  #keys: WindowKey[] = [];
  #aggregates: WindowAggregate[] = [];
  #values: number[] = [];
  #valueAggregates: number[] = [];

  constructor(options: PartialWindowOptions) {
    this.#size = options.size;
    this.#lateness = options.allowedLateness;
    this.#timeUnit = options.timeUnit;
    this.#getTime = compileFieldPath(options.timeField);
    this.#getValue = compileFieldPath(options.valueField);
    this.#getKey = options.keyField === undefined ? undefined : compileFieldPath(options.keyField);
    this.#rangeMin = options.min;
    this.#rangeMax = options.max;
  }

  add(event: Event): void {
    const raw = this.#getTime(event);
    // The same expressions as TumblingWindowOperator.push, so results match to the bit.
    const timestamp = typeof raw === 'number' && this.#timeUnit === 'ms' && Number.isFinite(raw) ? raw : toEpochMs(raw, this.#timeUnit);
    if (Number.isNaN(timestamp)) {
      this.#invalid++;
      return;
    }
    if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    const size = this.#size;
    const start = Math.floor(timestamp / size) * size;
    if (start + size <= this.#maxTimestamp - this.#lateness) {
      this.#localLate++;
      return;
    }

    let group = this.#groups.get(start);
    if (group === undefined) {
      group = new Map();
      this.#groups.set(start, group);
    }
    const key = this.#getKey === undefined ? null : toWindowKey(this.#getKey(event));
    let index = group.get(key);
    if (index === undefined) {
      index = this.#aggregates.length;
      group.set(key, index);
      this.#starts.push(start);
      this.#keys.push(key);
      this.#aggregates.push(new WindowAggregate());
    }
    const value = this.#getValue(event);
    this.#aggregates[index]!.add(value, this.#rangeMin, this.#rangeMax);
    if (typeof value === 'number' && Number.isFinite(value)) {
      this.#values.push(value);
      this.#valueAggregates.push(index);
    }
  }

  /** Returns the batch's result; the aggregator is not used afterwards. */
  result(): PartialWindowResult {
    const count = this.#aggregates.length;
    const stats = new Float64Array(count * STATS_FIELDS);
    for (let i = 0; i < count; i++) {
      const aggregate = this.#aggregates[i]!;
      const at = i * STATS_FIELDS;
      stats[at] = aggregate.count;
      stats[at + 1] = aggregate.numericCount;
      stats[at + 2] = aggregate.min;
      stats[at + 3] = aggregate.max;
      stats[at + 4] = aggregate.low;
      stats[at + 5] = aggregate.medium;
      stats[at + 6] = aggregate.high;
      stats[at + 7] = aggregate.critical;
    }
    return {
      maxTimestamp: this.#maxTimestamp,
      localLate: this.#localLate,
      invalid: this.#invalid,
      starts: Float64Array.from(this.#starts),
      keys: this.#keys,
      stats,
      values: Float64Array.from(this.#values),
      valueAggregates: Int32Array.from(this.#valueAggregates),
    };
  }
}

import { normalizeValue, severityIndex } from '../event/severity.js';

/** Counts of numeric values per severity level. */
export interface SeverityCounts {
  Low: number;
  Medium: number;
  High: number;
  Critical: number;
}

/** One emitted window. Value statistics are null when no event had a numeric value. */
export interface WindowResult {
  /** Inclusive start, epoch ms. */
  window_start: number;
  /** Exclusive end, epoch ms. */
  window_end: number;
  /** The --by field's value; present only when windows are keyed. */
  key?: unknown;
  event_count: number;
  sum_value: number;
  avg_value: number | null;
  min_value: number | null;
  max_value: number | null;
  severity_counts: SeverityCounts;
}

/**
 * Running statistics of one window. Every event counts in `count`; only
 * finite numeric values count in the value statistics and the severity
 * counts. Aggregates of the same window can be merged.
 */
export class WindowAggregate {
  count = 0;
  numericCount = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  low = 0;
  medium = 0;
  high = 0;
  critical = 0;

  /** Adds one event; `value` is the raw field, numeric or not. */
  add(value: unknown, rangeMin: number, rangeMax: number): void {
    this.count++;
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    this.numericCount++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    switch (severityIndex(normalizeValue(value, rangeMin, rangeMax))) {
      case 0:
        this.low++;
        break;
      case 1:
        this.medium++;
        break;
      case 2:
        this.high++;
        break;
      default:
        this.critical++;
    }
  }

  /** Adds the statistics of another aggregate of the same window. */
  merge(other: WindowAggregate): void {
    this.count += other.count;
    this.numericCount += other.numericCount;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    this.low += other.low;
    this.medium += other.medium;
    this.high += other.high;
    this.critical += other.critical;
  }

  toResult(start: number, end: number, keyed: boolean, key: unknown): WindowResult {
    const hasValues = this.numericCount > 0;
    const result: WindowResult = { window_start: start, window_end: end } as WindowResult;
    if (keyed) result.key = key;
    result.event_count = this.count;
    result.sum_value = this.sum;
    result.avg_value = hasValues ? this.sum / this.numericCount : null;
    result.min_value = hasValues ? this.min : null;
    result.max_value = hasValues ? this.max : null;
    result.severity_counts = { Low: this.low, Medium: this.medium, High: this.high, Critical: this.critical };
    return result;
  }
}

/**
 * The normalize stage: adds `normalized_value` (the value scaled to [0, 1]
 * between min and max, clamped) and `severity` (Low, Medium, High or
 * Critical) to each event.
 *
 * It keeps nothing between events: each event is pushed on before the next
 * one is read, so its memory does not grow with the input.
 */
import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import { describeValue, InvalidOptionError } from '../errors.js';
import type { Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';
import { DEFAULT_RANGE, normalizeValue, severityOf, validateRange } from '../event/severity.js';
import { appendMembers, removeMembers } from './json-text.js';
import type { CurrentLine } from './raw-line.js';

/** Handling of an event whose value is missing or not a number. */
export type OnMissingValue = 'pass' | 'skip';

/** Options of the normalize stage. The object is read once and not kept. */
export interface NormalizeOptions {
  /** Value that maps to 0. Default 0. */
  min?: number;
  /** Value that maps to 1. It may equal min, and then every value maps to 0.5. Default 100. */
  max?: number;
  /**
   * Dotted path of the numeric value. Default "value". A path inside
   * `normalized_value` or `severity` is rejected, because the stage replaces
   * those fields.
   */
  valueField?: string;
  /**
   * An event whose value is missing or not a JSON number: "pass" (default)
   * hands it on unchanged, without the two fields; "skip" drops it. Either
   * way it is counted in `stats.withoutValue`.
   */
  onMissingValue?: OnMissingValue;
  /**
   * Sets the two fields on the event itself instead of on a copy. Use it when
   * no one else holds the event, as in a fused chain right after the parser:
   * copying every event costs more than the normalization. Default false.
   */
  inPlace?: boolean;
}

/** Counters of a normalize stage. `received` = `delivered` + skipped events. */
export interface NormalizeStats {
  received: number;
  delivered: number;
  /** Events whose value was missing or not a number, passed on or skipped. */
  withoutValue: number;
}

/** Names of the fields the stage adds. */
export const NORMALIZE_FIELDS: ReadonlySet<string> = new Set(['normalized_value', 'severity']);

export function parseOnMissingValue(text: string): OnMissingValue {
  if (text === 'pass' || text === 'skip') return text;
  throw new InvalidOptionError(`invalid missing-value mode ${JSON.stringify(text)}: expected pass or skip`);
}

/** Shared option checks and counters of both normalize operators. */
abstract class NormalizeBase<Out> extends Operator<Event, Out> {
  readonly stats: NormalizeStats = { received: 0, delivered: 0, withoutValue: 0 };
  protected readonly min: number;
  protected readonly max: number;
  protected readonly getValue: FieldGetter;
  protected readonly valueField: string;
  protected readonly passWithoutValue: boolean;
  protected readonly inPlace: boolean;

  constructor(options: NormalizeOptions) {
    super();
    const range = validateRange({ min: options.min ?? DEFAULT_RANGE.min, max: options.max ?? DEFAULT_RANGE.max });
    this.min = range.min;
    this.max = range.max;
    const valueField = options.valueField ?? 'value';
    this.getValue = compileFieldPath(valueField);
    if (NORMALIZE_FIELDS.has(valueField.split('.')[0]!)) {
      throw new InvalidOptionError(
        `invalid value field ${describeValue(valueField)}: normalize replaces normalized_value and severity, so it cannot read its value from them; keep the value in another field`,
      );
    }
    this.passWithoutValue = parseOnMissingValue(options.onMissingValue ?? 'pass') === 'pass';
    this.valueField = valueField;
    this.inPlace = options.inPlace ?? false;
  }

  /** Describes why `value`, read at the value field, cannot be normalized; for dead letters. */
  protected describeMissing(value: unknown): string {
    const found = value === undefined ? 'is missing' : `is ${describeValue(value)}, not a number`;
    return `no numeric value: the field ${describeValue(this.valueField)} ${found}`;
  }
}

/**
 * Adds the two fields to a copy of each event, so the input object is not
 * changed, or to the event itself with the option `inPlace`. Fields of those
 * names that the event already has are replaced where they stand, so their
 * key order is kept.
 */
export class NormalizeOperator extends NormalizeBase<Event> {
  push(event: Event): void {
    this.stats.received++;
    const value = this.getValue(event);
    if (typeof value !== 'number') {
      this.stats.withoutValue++;
      if (!this.passWithoutValue) return;
      this.stats.delivered++;
      this.next.push(event);
      return;
    }
    const normalized = normalizeValue(value, this.min, this.max);
    this.stats.delivered++;
    if (this.inPlace) {
      event.normalized_value = normalized;
      event.severity = severityOf(normalized);
      this.next.push(event);
      return;
    }
    this.next.push({ ...event, normalized_value: normalized, severity: severityOf(normalized) });
  }
}

/**
 * The CLI form: pushes each event's original line with the two fields
 * spliced in before the closing brace, so every other field keeps its exact
 * text (an id of 12345678901234567890 is not rounded). When the event
 * already has either field, both are first removed from the text and then
 * appended with the new values. An event without a numeric value is pushed
 * as its unchanged line, or with onMissingValue "skip" given to `onSkip`
 * with the reason and its line, for a dead-letter file.
 */
export class NormalizeLineOperator extends NormalizeBase<string> {
  readonly #lines: CurrentLine;
  readonly #onSkip: ((reason: string, line: string) => void) | undefined;

  constructor(options: NormalizeOptions, lines: CurrentLine, onSkip?: (reason: string, line: string) => void) {
    super(options);
    this.#lines = lines;
    this.#onSkip = onSkip;
  }

  push(event: Event): void {
    this.stats.received++;
    let line = this.#lines.lastLine;
    const value = this.getValue(event);
    if (typeof value !== 'number') {
      this.stats.withoutValue++;
      if (!this.passWithoutValue) {
        this.#onSkip?.(this.describeMissing(value), line);
        return;
      }
      this.stats.delivered++;
      this.next.push(line);
      return;
    }
    const normalized = normalizeValue(value, this.min, this.max);
    if (Object.hasOwn(event, 'normalized_value') || Object.hasOwn(event, 'severity')) {
      line = removeMembers(line, NORMALIZE_FIELDS);
    }
    this.stats.delivered++;
    this.next.push(appendMembers(line, `"normalized_value":${normalized},"severity":"${severityOf(normalized)}"`));
  }
}

/** Options of createNormalize. */
export interface NormalizeTransformOptions extends NormalizeOptions {
  /** Readable-side buffer limit, in events. Default 16. */
  highWaterMark?: number;
}

/**
 * Creates an objectMode Transform that normalizes each event; see
 * NormalizeOperator. Throws InvalidOptionError when min > max, either is
 * not finite, or the value path is invalid or inside normalized_value or
 * severity.
 */
export function createNormalize(options: NormalizeTransformOptions = {}): OperatorTransform & { stats: NormalizeStats } {
  const operator = new NormalizeOperator(options);
  const transform = new OperatorTransform([operator], options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  return Object.assign(transform, { stats: operator.stats });
}

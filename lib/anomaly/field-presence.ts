import { Operator } from '../core/operator.js';
import type { Event } from '../event/event.js';
import { compileFieldPath, type FieldGetter } from '../event/field-path.js';

/** Counters of a FieldPresenceCounter. */
export interface FieldPresenceStats {
  /** Events seen. */
  events: number;
  /** Events whose value field is missing or not a finite JSON number. */
  withoutValue: number;
  /** Of those, events whose value is a string that reads as a number, such as "25". */
  numericStrings: number;
  /** Events whose key field is missing or null; 0 when there is no key field. */
  withoutKey: number;
}

/** Options of FieldPresenceCounter. */
export interface FieldPresenceOptions {
  /** Dotted path of the value. */
  valueField: string;
  /** Dotted path of the key; omit when events are not keyed. */
  keyField?: string;
}

/**
 * Passes events on unchanged and counts those that lack a numeric value or
 * a key, so a misspelt --value-field or --by can be reported instead of
 * silently giving empty statistics. Holds nothing.
 */
export class FieldPresenceCounter extends Operator<Event, Event> {
  readonly stats: FieldPresenceStats = { events: 0, withoutValue: 0, numericStrings: 0, withoutKey: 0 };
  readonly #getValue: FieldGetter;
  readonly #getKey: FieldGetter | undefined;

  constructor(options: FieldPresenceOptions) {
    super();
    this.#getValue = compileFieldPath(options.valueField);
    this.#getKey = options.keyField === undefined ? undefined : compileFieldPath(options.keyField);
  }

  push(event: Event): void {
    const stats = this.stats;
    stats.events++;
    const value = this.#getValue(event);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      stats.withoutValue++;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) stats.numericStrings++;
    }
    if (this.#getKey !== undefined && this.#getKey(event) == null) stats.withoutKey++;
    this.next.push(event);
  }
}

/**
 * Returns warnings for fields that no event had: every event without a
 * numeric value, or every event without its key. Empty when at least one
 * event had each field, or when there were no events.
 */
export function describeMissingFields(stats: FieldPresenceStats, options: FieldPresenceOptions): string[] {
  const warnings: string[] = [];
  if (stats.events === 0) return warnings;
  if (stats.withoutValue === stats.events) {
    const strings = stats.numericStrings > 0 ? ` ${stats.numericStrings} of them had a numeric string, which is not read as a number: write values as JSON numbers.` : '';
    warnings.push(
      `none of the ${stats.events} events had a numeric value in ${JSON.stringify(options.valueField)}, so only event counts were compared.${strings} Check the field name (--value-field).`,
    );
  }
  if (options.keyField !== undefined && stats.withoutKey === stats.events) {
    warnings.push(`none of the ${stats.events} events had the key field ${JSON.stringify(options.keyField)}, so they all share the key null. Check the field name (--by).`);
  }
  return warnings;
}

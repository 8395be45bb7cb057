/**
 * The filter stage: keeps the events for which a `--where` expression is
 * true (see expression.ts for the language and its rules).
 *
 * It keeps nothing between events: each event is pushed on or discarded
 * before the next one is read.
 */
import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import type { Event } from '../event/event.js';
import { compileExpression, type EventPredicate } from './expression.js';

/** Options of the filter stage. The object is read once and not kept. */
export interface FilterOptions {
  /** The condition, such as `value > 50 and source == "sensor-1"`. */
  where: string;
}

/** Counters of a filter stage. `received` = `delivered` + `rejected`. */
export interface FilterStats {
  received: number;
  delivered: number;
  /** Events for which the condition was not true; they are not an error. */
  rejected: number;
}

/**
 * Pushes the events that match, unchanged. The expression is compiled at
 * construction, so a syntax error is thrown (ExpressionError, with its
 * column) before any event is read.
 */
export class FilterOperator extends Operator<Event, Event> {
  readonly stats: FilterStats = { received: 0, delivered: 0, rejected: 0 };
  readonly #matches: EventPredicate;

  constructor(options: FilterOptions) {
    super();
    this.#matches = compileExpression(options.where);
  }

  push(event: Event): void {
    this.stats.received++;
    if (this.#matches(event)) {
      this.stats.delivered++;
      this.next.push(event);
    } else {
      this.stats.rejected++;
    }
  }
}

/** Options of createFilter. */
export interface FilterTransformOptions extends FilterOptions {
  /** Readable-side buffer limit, in events. Default 16. */
  highWaterMark?: number;
}

/** Creates an objectMode Transform that keeps the matching events; see FilterOperator. */
export function createFilter(options: FilterTransformOptions): OperatorTransform & { stats: FilterStats } {
  const operator = new FilterOperator(options);
  const transform = new OperatorTransform([operator], options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  return Object.assign(transform, { stats: operator.stats });
}

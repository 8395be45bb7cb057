import { InvalidOptionError } from '../errors.js';
import type { NdjsonSideFile } from '../io/line-file.js';
import type { NdjsonParserOptions } from '../io/ndjson-parser.js';
import { TumblingWindowOperator, type TumblingWindowOptions } from '../window/tumbling-window.js';
import { emptyCounters } from '../cli/report.js';
import type { CommandPlan } from '../cli/run-command.js';
import { ParallelWindowTransform } from './parallel-window.js';

/** Largest accepted --threads; more threads than cores only add overhead. */
export const MAX_THREADS = 64;

/**
 * Builds the `window --threads N` plan: a ParallelWindowTransform in place of
 * the fused parse → window → stringify stage, with the same counters.
 * Throws InvalidOptionError for option combinations it does not support.
 */
export function parallelWindowPlan(
  threads: number,
  parser: Omit<NdjsonParserOptions, 'inputName'>,
  window: TumblingWindowOptions,
  sideFiles: { deadLetter?: NdjsonSideFile; lateOutput?: string },
): CommandPlan {
  if (threads > MAX_THREADS) {
    throw new InvalidOptionError(`invalid --threads ${threads}: expected at most ${MAX_THREADS}`);
  }
  if (sideFiles.lateOutput !== undefined) {
    // NOTE: workers aggregate without keeping events, and whether an event is late is known only after the
    // earlier batches are merged, so the late events themselves are not available to write.
    throw new InvalidOptionError('--late-output cannot be combined with --threads: run without --threads to write late events');
  }
  // Validates the window options with the same messages as a single-threaded run.
  new TumblingWindowOperator(window);
  const stage = new ParallelWindowTransform({
    threads,
    parser,
    window: {
      size: window.size,
      timeField: window.timeField ?? 'timestamp',
      timeUnit: window.timeUnit ?? 'ms',
      valueField: window.valueField ?? 'value',
      ...(window.keyField === undefined ? {} : { keyField: window.keyField }),
      allowedLateness: window.allowedLateness ?? 0,
      min: window.min ?? 0,
      max: window.max ?? 100,
    },
  });
  return {
    stages: [stage],
    unit: 'windows',
    counters: () => ({
      ...emptyCounters(),
      received: stage.stats.events + stage.stats.invalid,
      delivered: stage.stats.windows,
      invalid: stage.stats.invalid,
      late: stage.stats.late,
    }),
    close: () => sideFiles.deadLetter?.close(),
  };
}

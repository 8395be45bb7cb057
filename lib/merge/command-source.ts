import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { EvprocError } from '../errors.js';
import type { TimeUnit } from '../event/timestamp.js';
import { InputSource } from '../io/input-source.js';
import { OrderedMergeSource } from './ordered-merge-source.js';

/** Options of createCommandSource. The object is read once and not kept. */
export interface CommandSourceOptions {
  /** Merge by event time instead of interleaving in arrival order. Default false. */
  ordered?: boolean;
  /** Lines queued per input when ordered; see OrderedMergeOptions. */
  perInputLines?: number;
  timeField?: string;
  timeUnit?: TimeUnit;
  maxLineBytes?: number;
  /**
   * Meaning of an empty input list. True (default) reads stdin, as a command
   * line without inputs does. False reads nothing and ends at once, as an
   * empty --inputs-from list does.
   */
  noInputsMeansStdin?: boolean;
  /** Stream used for "-". Default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

/** The source of a command's InputChunks, and its extra report counters. */
export interface CommandSource {
  source: Readable & { stop(): void };
  /** Counters to add to the run report: out_of_order with ordered merging. */
  counters(): Record<string, number>;
}

/**
 * Creates the source of a command: an InputSource that interleaves the
 * inputs in arrival order, or an OrderedMergeSource that merges them by
 * event time. Both emit InputChunks that MultiInputParseOperator parses.
 */
export function createCommandSource(inputs: readonly string[], options: CommandSourceOptions = {}): CommandSource {
  const stdinOption = options.stdin === undefined ? {} : { stdin: options.stdin };
  if (inputs.length === 0 && options.noInputsMeansStdin === false) {
    const empty = new Readable({ objectMode: true, read() { this.push(null); } });
    return { source: Object.assign(empty, { stop() {} }), counters: () => ({}) };
  }
  if (options.ordered === true) {
    const merge = new OrderedMergeSource(inputs.length === 0 ? ['-'] : inputs, {
      ...stdinOption,
      ...(options.perInputLines === undefined ? {} : { perInputLines: options.perInputLines }),
      ...(options.timeField === undefined ? {} : { timeField: options.timeField }),
      ...(options.timeUnit === undefined ? {} : { timeUnit: options.timeUnit }),
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    });
    return { source: merge, counters: () => ({ out_of_order: merge.stats.outOfOrder }) };
  }
  return { source: new InputSource(inputs, stdinOption), counters: () => ({}) };
}

/**
 * Reads an --inputs-from file: one input name per line, "-" for stdin; blank
 * lines are skipped and a trailing "\r" is removed. Throws EvprocError
 * ERR_INPUT_UNREADABLE when the file cannot be read.
 */
export function readInputList(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new EvprocError('ERR_INPUT_UNREADABLE', `cannot read the input list ${path} (--inputs-from): ${why}`, { cause: err });
  }
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim().length > 0);
}

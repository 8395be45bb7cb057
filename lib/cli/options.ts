import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../duration.js';
import { EvprocError } from '../errors.js';
import { parseTimeUnit, type TimeUnit } from '../event/timestamp.js';
import { DEFAULT_MAX_LINE_BYTES, type NdjsonParserOptions } from '../io/ndjson-parser.js';
import { NdjsonSideFile } from '../io/line-file.js';
import { parseOnError, type OnError, type Rejection } from '../io/rejection.js';
import type { StatsFormat } from './report.js';
import type { ReportOptions } from './run-command.js';

/** Wraps a parser that throws EvprocError into a commander argument parser. */
export function argParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof EvprocError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

export const parseDurationArg = argParser((text) => parseDuration(text));

export function parseNumberArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a finite number, got ${JSON.stringify(text)}`);
  return value;
}

export function parsePositiveIntArg(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseStatsFormat(text: string): StatsFormat {
  if (text === 'text' || text === 'json') return text;
  throw new InvalidArgumentError(`expected text or json, got ${JSON.stringify(text)}`);
}

/** Options parsed by addReadOptions. */
export interface ReadOptions {
  onError: OnError;
  deadLetter?: string;
  maxLineBytes: number;
  timeField: string;
  timeUnit: TimeUnit;
}

/** Adds the options of every command that reads NDJSON events. */
export function addReadOptions(command: Command): Command {
  return command
    .addOption(new Option('--on-error <mode>', 'what to do with a malformed line or an event without a valid timestamp: fail (stop, exit 1) or skip (count it and go on)').default('fail').argParser(argParser(parseOnError)))
    .option('--dead-letter <file>', 'write each rejected line to FILE as NDJSON {input, line, reason, text}')
    .addOption(new Option('--max-line-bytes <bytes>', 'longest accepted line, in bytes').default(DEFAULT_MAX_LINE_BYTES).argParser(parsePositiveIntArg))
    .option('--time-field <path>', 'dotted path of the event time', 'timestamp')
    .addOption(new Option('--time-unit <unit>', 'unit of numeric timestamps: ms (epoch milliseconds) or s (epoch seconds); ISO-8601 strings are always accepted').default('ms').argParser(argParser(parseTimeUnit)));
}

/** Adds --stats, --stats-format and --stats-interval. */
export function addReportOptions(command: Command): Command {
  return command
    .option('--stats', 'print the summary (received, delivered, dropped, invalid, late) to stderr even when nothing was lost')
    .addOption(new Option('--stats-format <format>', 'format of stderr reports: text or json').default('text').argParser(parseStatsFormat))
    .addOption(new Option('--stats-interval <duration>', 'also print a progress report every DURATION (for example 1s)').argParser(parseDurationArg));
}

export function reportOptionsOf(options: { stats?: boolean; statsFormat?: StatsFormat; statsInterval?: number }): ReportOptions {
  return {
    ...(options.stats === undefined ? {} : { stats: options.stats }),
    ...(options.statsFormat === undefined ? {} : { statsFormat: options.statsFormat }),
    ...(options.statsInterval === undefined ? {} : { statsInterval: options.statsInterval }),
  };
}

/**
 * Builds the parser options from the read options; opens the dead-letter
 * file when one is named. `checkTime` rejects events without a valid
 * timestamp at parse time, where the line number is known.
 */
export function parserOptionsOf(options: ReadOptions, checkTime: boolean): { parser: Omit<NdjsonParserOptions, 'inputName'>; deadLetter?: NdjsonSideFile } {
  const deadLetter = options.deadLetter === undefined ? undefined : new NdjsonSideFile(options.deadLetter);
  const parser: Omit<NdjsonParserOptions, 'inputName'> = {
    onError: options.onError,
    maxLineBytes: options.maxLineBytes,
    timeUnit: options.timeUnit,
    ...(checkTime ? { timeField: options.timeField } : {}),
    ...(deadLetter === undefined ? {} : { onReject: (rejection: Rejection) => deadLetter.write(rejection) }),
  };
  return deadLetter === undefined ? { parser } : { parser, deadLetter };
}

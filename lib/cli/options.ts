import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../duration.js';
import { EvprocError, InvalidOptionError } from '../errors.js';
import { parseTimeUnit, type TimeUnit } from '../event/timestamp.js';
import { DEFAULT_MAX_LINE_BYTES, type NdjsonParserOptions } from '../io/ndjson-parser.js';
import { NdjsonSideFile } from '../io/line-file.js';
import { parseOnError, type OnError, type Rejection } from '../io/rejection.js';
import { DEFAULT_MERGE_LINES_PER_INPUT } from '../merge/ordered-merge-source.js';
import { parseTeeTarget, parseTeeTargetArg } from './tee.js';
import type { OutputPath } from './output-paths.js';
import type { StatsFormat } from './report.js';
import type { InputOptions, ReportOptions } from './run-command.js';

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

/** Shortest accepted --stats-interval, in ms: shorter intervals flood stderr. */
const MIN_STATS_INTERVAL_MS = 100;
/** Longest accepted --stats-interval, in ms: the largest delay a Node timer takes (about 24.8 days). */
const MAX_STATS_INTERVAL_MS = 2 ** 31 - 1;

const parseStatsIntervalArg = argParser((text) => {
  const ms = parseDuration(text);
  if (ms < MIN_STATS_INTERVAL_MS || ms > MAX_STATS_INTERVAL_MS) {
    throw new InvalidOptionError(`invalid interval ${JSON.stringify(text)}: expected from ${MIN_STATS_INTERVAL_MS}ms to ${MAX_STATS_INTERVAL_MS}ms (about 24.8 days)`);
  }
  return ms;
});

/** A JSON number: no leading "+", zeros, spaces, hexadecimal or Infinity. */
const DECIMAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Parses a decimal number written as in JSON, such as -1.5 or 2e3. */
export function parseNumberArg(text: string): number {
  const value = Number(text);
  if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a finite decimal number such as -1.5 or 2e3, got ${JSON.stringify(text)}`);
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
  /** --ordered: merge the inputs by event time. */
  ordered?: boolean;
  /** --merge-buffer: lines queued per input with --ordered. */
  mergeBuffer?: number;
  /** --tag-input: true for the default field "input", or the field name. */
  tagInput?: boolean | string;
  /** --inputs-from: file that lists more inputs. */
  inputsFrom?: string;
}

/** Default field name of --tag-input. */
export const DEFAULT_INPUT_FIELD = 'input';

function parseTagField(text: string): string {
  // A value with "." or "/" is most likely an input file that commander took as this option's value.
  if (text.length === 0 || text.includes('.') || text.includes('/')) {
    throw new InvalidArgumentError(
      `expected a top-level field name without "." or "/", got ${JSON.stringify(text)}; to tag with the default field "input" and read ${JSON.stringify(text)}, put --tag-input after the inputs or write --tag-input=${DEFAULT_INPUT_FIELD}`,
    );
  }
  return text;
}

/** Adds the options of every command that reads NDJSON events. */
export function addReadOptions(command: Command): Command {
  return command
    .addOption(new Option('--on-error <mode>', 'what to do with a malformed line or an event without a valid timestamp: fail (stop, exit 1) or skip (count it and go on)').default('fail').argParser(argParser(parseOnError)))
    .option('--dead-letter <file>', 'write each rejected line to FILE as NDJSON {input, line, reason, text}')
    .addOption(new Option('--max-line-bytes <bytes>', 'longest accepted line, in bytes').default(DEFAULT_MAX_LINE_BYTES).argParser(parsePositiveIntArg))
    .option('--time-field <path>', 'dotted path of the event time', 'timestamp')
    .addOption(new Option('--time-unit <unit>', 'unit of numeric timestamps: ms (epoch milliseconds) or s (epoch seconds); ISO-8601 strings are always accepted').default('ms').argParser(argParser(parseTimeUnit)))
    .option('--ordered', 'merge the inputs by event time (--time-field) instead of in arrival order; each input must be sorted by time, and an event older than an earlier one of its input is counted as out_of_order and passed on')
    .addOption(new Option('--merge-buffer <lines>', 'lines queued per input with --ordered before that input is paused').default(DEFAULT_MERGE_LINES_PER_INPUT).argParser(parsePositiveIntArg))
    .addOption(new Option('--tag-input [field]', `add the input name (the path as given, or "stdin") to each event in FIELD (default "${DEFAULT_INPUT_FIELD}"); write --tag-input=FIELD or put it after the inputs`).argParser(parseTagField))
    .option('--inputs-from <file>', 'also read the inputs named in FILE, one per line (blank lines skipped); when FILE is empty and no inputs are given, there is nothing to read and the command ends at once with exit 0');
}

/** Adds --tee, which copies the command's output to more destinations. */
export function addOutputOptions(command: Command): Command {
  return command.addOption(
    new Option('--tee <target>', 'also write the output to TARGET, a file path or file:PATH (created or truncated); repeat for more copies. stdout and every copy get the same lines, at the pace of the slowest; when stdout is closed early the copies still get everything')
      .argParser((text: string, previous: string[] | undefined) => [...(previous ?? []), parseTeeTargetArg(text)]),
  );
}

/** Adds --stats, --stats-format and --stats-interval, and the output options (--tee) that every command shares. */
export function addReportOptions(command: Command): Command {
  addOutputOptions(command);
  return command
    .option('--stats', 'print the summary (received, delivered, dropped, invalid, late) to stderr even when nothing was lost')
    .addOption(new Option('--stats-format <format>', 'format of stderr reports: text or json').default('text').argParser(parseStatsFormat))
    .addOption(new Option('--stats-interval <duration>', 'also print a progress report every DURATION (for example 1s; at least 100ms)').argParser(parseStatsIntervalArg));
}

/** The shared options as commander parsed them; commands without inputs lack the read options. */
interface SharedParsedOptions extends Partial<ReadOptions> {
  stats?: boolean;
  statsFormat?: StatsFormat;
  statsInterval?: number;
  tee?: string[];
  lateOutput?: string;
}

/** The files named by --dead-letter, --late-output and --tee, which the command will truncate. */
function outputPathsOf(options: SharedParsedOptions): OutputPath[] {
  const outputs: OutputPath[] = [];
  if (options.deadLetter !== undefined) outputs.push({ option: '--dead-letter', path: options.deadLetter });
  if (options.lateOutput !== undefined) outputs.push({ option: '--late-output', path: options.lateOutput });
  for (const target of options.tee ?? []) {
    const parsed = parseTeeTarget(target);
    if (parsed.scheme === 'file') outputs.push({ option: '--tee', path: parsed.location });
  }
  return outputs;
}

/** Picks the options runCommand handles for every command: reports, input merging and --tee. */
export function reportOptionsOf(options: SharedParsedOptions): ReportOptions {
  const input: InputOptions = {
    ...(options.ordered === true ? { ordered: true } : {}),
    ...(options.mergeBuffer === undefined ? {} : { perInputLines: options.mergeBuffer }),
    ...(options.inputsFrom === undefined ? {} : { inputsFrom: options.inputsFrom }),
    ...(options.timeField === undefined ? {} : { timeField: options.timeField }),
    ...(options.timeUnit === undefined ? {} : { timeUnit: options.timeUnit }),
    ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
  };
  return {
    outputs: outputPathsOf(options),
    ...(options.stats === undefined ? {} : { stats: options.stats }),
    ...(options.statsFormat === undefined ? {} : { statsFormat: options.statsFormat }),
    ...(options.statsInterval === undefined ? {} : { statsInterval: options.statsInterval }),
    ...(options.tee === undefined ? {} : { tee: options.tee }),
    input,
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
    ...(options.tagInput === undefined || options.tagInput === false ? {} : { inputField: options.tagInput === true ? DEFAULT_INPUT_FIELD : options.tagInput }),
    ...(deadLetter === undefined ? {} : { onReject: (rejection: Rejection) => deadLetter.write(rejection) }),
  };
  return deadLetter === undefined ? { parser } : { parser, deadLetter };
}

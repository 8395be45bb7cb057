import { Option, type Command } from 'commander';
import { OperatorTransform } from '../../core/operator-transform.js';
import { InvalidOptionError } from '../../errors.js';
import { NdjsonSideFile } from '../../io/line-file.js';
import { displayName, STDIN_NAME } from '../../io/input-source.js';
import { InputBoundaryOperator } from '../../merge/input-boundary-operator.js';
import { NdjsonStringifyOperator } from '../../io/ndjson-writer.js';
import { parallelWindowPlan } from '../../parallel/parallel-window-plan.js';
import { LineTrackingParseOperator } from '../../transforms/raw-line.js';
import { TumblingWindowOperator } from '../../window/tumbling-window.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReadOptions, addReportOptions, parseDurationArg, parseNumberArg, parsePositiveIntArg, parserOptionsOf, reportOptionsOf, type ReadOptions } from '../options.js';
import { emptyCounters } from '../report.js';
import { runCommand, type ReportOptions } from '../run-command.js';

interface WindowCommandOptions extends ReadOptions, ReportOptions {
  ms: number;
  by?: string;
  valueField: string;
  allowedLateness: number;
  lateOutput?: string;
  min: number;
  max: number;
  threads: number;
}

export function registerWindowCommand(program: Command): void {
  const command = program
    .command('window')
    .summary('aggregate events into tumbling event-time windows')
    .description(
      'Aggregate events into tumbling windows [start, start + ms) aligned to the Unix epoch, in event time, and write one NDJSON result per window ' +
        '(and per key with --by): window_start, window_end, event_count, sum_value, avg_value, min_value, max_value, severity_counts.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--ms <duration>', '(required) window length: milliseconds, or a number with a unit ms, s, m, h, d (for example 500ms, 10s, 1h)').argParser(parseDurationArg).makeOptionMandatory())
    .option('--by <path>', 'keep one window series per value of this dotted field path; adds "key" to each result')
    .option('--value-field <path>', 'dotted path of the numeric value', 'value')
    .addOption(new Option('--allowed-lateness <duration>', 'how far the watermark trails the highest timestamp seen').default(0, '0').argParser(parseDurationArg))
    .option('--late-output <file>', 'write each late event (its window was already emitted) to FILE as NDJSON')
    .addOption(new Option('--min <number>', 'low end of the normalization range for severity_counts').default(0).argParser(parseNumberArg))
    .addOption(new Option('--max <number>', 'high end of the normalization range for severity_counts').default(100).argParser(parseNumberArg))
    .addOption(
      new Option('--threads <count>', 'parse and pre-aggregate in COUNT worker threads (at most 64); the output is identical to one thread. Not with --late-output')
        .default(1)
        .argParser(parsePositiveIntArg),
    );
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Events outside [min, max] count as Low or Critical. An event whose value is missing or not a finite number counts in
event_count only; avg_value, min_value and max_value are null when a window has no numeric value.
Late events are counted, written to --late-output when given, and never reopen a window.

Examples:
  evproc window --ms 1000 events.ndjson
  cat events.ndjson | evproc window --ms 1m --by source --allowed-lateness 5s
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: WindowCommandOptions) => {
    let lateFile: NdjsonSideFile | undefined;
    let deadLetter: NdjsonSideFile | undefined;
    await runCommand('window', inputs, reportOptionsOf(options), (names) => {
      if (options.threads > 1 && names.length > 1 && options.ordered !== true) {
        // The worker threads keep one watermark for the whole stream, so
        // interleaved inputs would make events late that one thread keeps.
        // TODO: track a watermark per input in lib/parallel.
        throw new InvalidOptionError('--threads reads one input, or several merged with --ordered; interleaved inputs need one watermark each, which only the single-threaded window keeps. Add --ordered or drop --threads');
      }
      const read = parserOptionsOf(options, true);
      deadLetter = read.deadLetter;
      if (options.threads > 1) {
        const windowOptions = {
          size: options.ms,
          timeField: options.timeField,
          timeUnit: options.timeUnit,
          valueField: options.valueField,
          ...(options.by === undefined ? {} : { keyField: options.by }),
          allowedLateness: options.allowedLateness,
          min: options.min,
          max: options.max,
        };
        return parallelWindowPlan(options.threads, read.parser, windowOptions, { ...(deadLetter === undefined ? {} : { deadLetter }), ...(options.lateOutput === undefined ? {} : { lateOutput: options.lateOutput }) });
      }
      lateFile = options.lateOutput === undefined ? undefined : new NdjsonSideFile(options.lateOutput);
      const parse = new LineTrackingParseOperator(read.parser);
      const window = new TumblingWindowOperator({
        size: options.ms,
        timeField: options.timeField,
        timeUnit: options.timeUnit,
        valueField: options.valueField,
        ...(options.by === undefined ? {} : { keyField: options.by }),
        allowedLateness: options.allowedLateness,
        min: options.min,
        max: options.max,
        // Late events are written as their original line, so every number keeps its spelling.
        ...(lateFile === undefined ? {} : { onLate: () => lateFile!.writeLine(parse.lastLine) }),
        onInvalid: options.onError,
        describePosition: () => parse.position(),
        // One watermark per input, so interleaved inputs that are each in order make no event late.
        inputs: (names.length === 0 && options.inputsFrom === undefined ? [STDIN_NAME] : names).map(displayName),
      });
      const stage = new OperatorTransform([new InputBoundaryOperator(window), parse, window, new NdjsonStringifyOperator()], { writableObjectMode: true, readableObjectMode: false });
      return {
        stages: [stage],
        unit: 'windows',
        counters: () => ({
          ...emptyCounters(),
          received: parse.stats.events + parse.stats.invalid,
          delivered: window.stats.windows,
          invalid: parse.stats.invalid + window.stats.invalid,
          late: window.stats.late,
        }),
        close: () => {
          try {
            deadLetter?.close();
          } finally {
            lateFile?.close();
          }
        },
      };
    });
  });
}

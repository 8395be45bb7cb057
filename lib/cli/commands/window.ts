import { Option, type Command } from 'commander';
import { OperatorTransform } from '../../core/operator-transform.js';
import { InvalidOptionError } from '../../errors.js';
import { NdjsonStringifyOperator } from '../../io/ndjson-writer.js';
import { parallelWindowPlan } from '../../parallel/parallel-window-plan.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReadOptions, addReportOptions, parseDurationArg, parseNumberArg, parsePositiveIntArg, parserOptionsOf, reportOptionsOf } from '../options.js';
import { emptyCounters } from '../report.js';
import { runCommand, type ReportOptions } from '../run-command.js';
import { createWindowChain, windowSettingsOf, type WindowChainOptions } from '../window-chain.js';

interface WindowCommandOptions extends WindowChainOptions, ReportOptions {
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
    await runCommand('window', inputs, reportOptionsOf(options), (names) => {
      if (options.threads > 1 && names.length > 1 && options.ordered !== true) {
        // The worker threads keep one watermark for the whole stream, so
        // interleaved inputs would make events late that one thread keeps.
        // TODO: track a watermark per input in lib/parallel.
        throw new InvalidOptionError('--threads reads one input, or several merged with --ordered; interleaved inputs need one watermark each, which only the single-threaded window keeps. Add --ordered or drop --threads');
      }
      if (options.threads > 1) {
        const read = parserOptionsOf(options, true);
        const files = { ...(read.deadLetter === undefined ? {} : { deadLetter: read.deadLetter }), ...(options.lateOutput === undefined ? {} : { lateOutput: options.lateOutput }) };
        return parallelWindowPlan(options.threads, read.parser, windowSettingsOf(options), files);
      }
      const chain = createWindowChain(options, names);
      const stage = new OperatorTransform([...chain.operators(), new NdjsonStringifyOperator()], { writableObjectMode: true, readableObjectMode: false });
      return {
        stages: [stage],
        unit: 'windows',
        counters: () => ({ ...emptyCounters(), ...chain.counters(), delivered: chain.window.stats.windows }),
        close: () => chain.close(),
      };
    });
  });
}

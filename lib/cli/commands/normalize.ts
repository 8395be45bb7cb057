import { Option, type Command } from 'commander';
import { OperatorTransform } from '../../core/operator-transform.js';
import { EventRejecter, JsonLineWriterOperator, LineTrackingParseOperator } from '../../transforms/raw-line.js';
import { NormalizeLineOperator, parseOnMissingValue, type OnMissingValue } from '../../transforms/normalize.js';
import { EXIT_CODES_HELP, EXIT_USAGE } from '../exit-codes.js';
import { addReadOptions, addReportOptions, argParser, parseNumberArg, parserOptionsOf, reportOptionsOf, type ReadOptions } from '../options.js';
import { emptyCounters } from '../report.js';
import { printError, runCommand, type ReportOptions } from '../run-command.js';

interface NormalizeCommandOptions extends ReadOptions, ReportOptions {
  min: number;
  max: number;
  valueField: string;
  onMissingValue: OnMissingValue;
}

export function registerNormalizeCommand(program: Command): void {
  const command = program
    .command('normalize')
    .summary('add normalized_value and severity to each event')
    .description(
      'Add "normalized_value" (the value scaled to [0, 1] between --min and --max) and "severity" (Low, Medium, High, Critical) ' +
        'to each event and write it as NDJSON. Every other field is written exactly as it was read, so large integers keep every digit.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--min <number>', 'value that maps to 0; lower values clamp to 0').default(0).argParser(parseNumberArg))
    .addOption(new Option('--max <number>', 'value that maps to 1; higher values clamp to 1; when equal to --min every value maps to 0.5').default(100).argParser(parseNumberArg))
    .option('--value-field <path>', 'dotted path of the numeric value; not inside normalized_value or severity, which normalize replaces', 'value')
    .addOption(
      new Option('--on-missing-value <mode>', 'an event whose value is missing or not a number: pass (write it unchanged, without the two fields) or skip (drop it, counted as invalid and written to --dead-letter)')
        .default('pass')
        .argParser(argParser(parseOnMissingValue)),
    );
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Severity: Low below 0.3, Medium below 0.6, High below 0.9, Critical from 0.9 (of the normalized value).
The two fields are appended at the end of each object. When an event already has either of them, both are
removed from it and appended again with the new values. Spaces after the closing brace of a line are dropped.
Events without a numeric value are counted as "without value" in the report; with pass a warning on stderr
gives their number at exit.
--time-field and --time-unit are accepted for symmetry with other commands; normalize does not read the time.

Examples:
  evproc normalize --min 0 --max 50 data/wsn-single-hop-slice.ndjson
  cat events.ndjson | evproc normalize --value-field properties.mag --min 0 --max 10
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: NormalizeCommandOptions) => {
    if (options.min > options.max) {
      command.error(`error: --min ${options.min} is greater than --max ${options.max}; give a range with min <= max`, { exitCode: EXIT_USAGE });
    }
    let deadLetter: ReturnType<typeof parserOptionsOf>['deadLetter'];
    let normalize: NormalizeLineOperator | undefined;
    await runCommand('normalize', inputs, reportOptionsOf(options), () => {
      const read = parserOptionsOf(options, false);
      deadLetter = read.deadLetter;
      const parse = new LineTrackingParseOperator(read.parser);
      // A skipped event goes to the dead-letter file like a bad line, but never stops the run: skip was asked for.
      const skipped = new EventRejecter(parse, { onError: 'skip', ...(read.parser.onReject === undefined ? {} : { onReject: read.parser.onReject }) });
      const stage = new NormalizeLineOperator(
        { min: options.min, max: options.max, valueField: options.valueField, onMissingValue: options.onMissingValue },
        parse,
        (reason, line) => skipped.reject(reason, line),
      );
      normalize = stage;
      const transform = new OperatorTransform([parse, stage, new JsonLineWriterOperator()], { writableObjectMode: true, readableObjectMode: false });
      const skipping = options.onMissingValue === 'skip';
      return {
        stages: [transform],
        unit: 'events',
        counters: () => ({
          ...emptyCounters(),
          received: parse.stats.events + parse.stats.invalid,
          delivered: stage.stats.delivered,
          invalid: parse.stats.invalid + (skipping ? stage.stats.withoutValue : 0),
          without_value: stage.stats.withoutValue,
        }),
        close: () => deadLetter?.close(),
      };
    });
    const passedWithoutValue = options.onMissingValue === 'pass' ? (normalize?.stats.withoutValue ?? 0) : 0;
    if (passedWithoutValue > 0) {
      printError(
        `evproc normalize: warning: ${passedWithoutValue} events had no numeric value at "${options.valueField}" and were written without normalized_value and severity ` +
          '(use --on-missing-value skip to drop them)',
      );
    }
  });
}

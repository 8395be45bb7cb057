import { InvalidArgumentError, Option, type Command } from 'commander';
import { OperatorTransform } from '../../core/operator-transform.js';
import { compileExpression, MAX_EXPRESSION_DEPTH } from '../../transforms/expression.js';
import { FilterOperator } from '../../transforms/filter.js';
import { JsonLineWriterOperator, LineTrackingParseOperator, RawLineOperator } from '../../transforms/raw-line.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReadOptions, addReportOptions, argParser, parserOptionsOf, reportOptionsOf, type ReadOptions } from '../options.js';
import { emptyCounters } from '../report.js';
import { runCommand, type ReportOptions } from '../run-command.js';

interface FilterCommandOptions extends ReadOptions, ReportOptions {
  where: string;
}

const compileWhereArg = argParser((text: string) => {
  compileExpression(text);
  return text;
});

/**
 * Checks the expression while the options are parsed, so a syntax error is a
 * usage error (exit 2) before any input is read. A second --where is
 * rejected: commander would otherwise keep only the last one.
 */
function parseWhereArg(text: string, previous: string | undefined): string {
  if (previous !== undefined) {
    throw new InvalidArgumentError('--where is given more than once; join the conditions in one expression with and or or, for example --where \'value > 50 and source == "a"\'');
  }
  return compileWhereArg(text);
}

export function registerFilterCommand(program: Command): void {
  const command = program
    .command('filter')
    .summary('keep the events that match a condition')
    .description(
      'Write the events for which the --where condition is true, each exactly as it was read, and drop the others.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--where <condition>', 'the condition an event must meet, for example \'value > 50 and source == "sensor-1"\'').argParser(parseWhereArg).makeOptionMandatory());
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Conditions:
  fields        dotted paths: value, properties.mag, tags.0; \`odd-name\` in backticks
  literals      numbers, "strings" or 'strings', true, false, null
  comparison    ==  !=  <  <=  >  >=      (< and > compare two numbers or two strings)
  lists         severity in ["High", "Critical"], source not in ("a", "b")
  logic         and, or, not, parentheses
  arithmetic    +  -  *  /  %             (numbers only)
A comparison with a missing field is false, != and in included, so "source != 'a'" also drops events
without a source; write "not (source == 'a')" to keep them. Only the boolean true keeps an event.
Arithmetic that gives no finite number (division by zero, overflow) gives a missing value. In an array
only indices are fields, so tags.length is missing. Numbers are written as in JSON (no leading zeros).
An expression nests at most ${MAX_EXPRESSION_DEPTH} levels; --where may be given once.
Numbers are compared as parsed: integers beyond 2^53 are rounded for the comparison, never in the output.
Events that do not match count as "rejected" in the report, not as invalid.
--time-field and --time-unit are accepted for symmetry with other commands; filter does not read the time.

Examples:
  evproc filter --where 'severity == "High" or severity == "Critical"' events.ndjson
  cat events.ndjson | evproc filter --where 'value > 50 and source == "sensor-1"'
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: FilterCommandOptions) => {
    let deadLetter: ReturnType<typeof parserOptionsOf>['deadLetter'];
    await runCommand('filter', inputs, reportOptionsOf(options), () => {
      const read = parserOptionsOf(options, false);
      deadLetter = read.deadLetter;
      const parse = new LineTrackingParseOperator(read.parser);
      const filter = new FilterOperator({ where: options.where });
      const transform = new OperatorTransform([parse, filter, new RawLineOperator(parse), new JsonLineWriterOperator()], {
        writableObjectMode: true,
        readableObjectMode: false,
      });
      return {
        stages: [transform],
        unit: 'events',
        counters: () => ({
          ...emptyCounters(),
          received: parse.stats.events + parse.stats.invalid,
          delivered: filter.stats.delivered,
          invalid: parse.stats.invalid,
          rejected: filter.stats.rejected,
        }),
        close: () => deadLetter?.close(),
      };
    });
  });
}

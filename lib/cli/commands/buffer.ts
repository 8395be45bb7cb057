import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKPRESSURE_POLICIES, type BackpressurePolicy } from '../../buffer/policy.js';
import { dropRate } from '../../buffer/buffer-stats.js';
import { createBuffer } from '../../buffer/create-buffer.js';
import { OperatorTransform } from '../../core/operator-transform.js';
import { EvprocError } from '../../errors.js';
import { LineTrackingParseOperator, RawLineOperator } from '../../transforms/raw-line.js';
import { EXIT_CODES_HELP, EXIT_USAGE } from '../exit-codes.js';
import { addReadOptions, addReportOptions, parseNumberArg, parsePositiveIntArg, parserOptionsOf, reportOptionsOf, type ReadOptions } from '../options.js';
import { emptyCounters } from '../report.js';
import { runCommand, type ReportOptions } from '../run-command.js';

/** Default --capacity, in events. */
export const DEFAULT_CLI_BUFFER_CAPACITY = 10_000;

interface BufferCommandOptions extends ReadOptions, ReportOptions {
  capacity: number;
  policy: BackpressurePolicy;
  rate?: number;
  seed?: number;
  sampleAbove?: number;
}

function parsePolicyArg(text: string): BackpressurePolicy {
  if ((BACKPRESSURE_POLICIES as readonly string[]).includes(text)) return text as BackpressurePolicy;
  throw new InvalidArgumentError(`expected one of ${BACKPRESSURE_POLICIES.join(', ')}, got ${JSON.stringify(text)}`);
}

function parseSeedArg(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value > 0xffffffff) throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got ${JSON.stringify(text)}`);
  return value;
}

export function registerBufferCommand(program: Command): void {
  const command = program
    .command('buffer')
    .summary('pass events through a bounded buffer that blocks, drops or samples when stdout is slow')
    .description(
      'Copy events to stdout through a buffer of --capacity events. When the reader of stdout is slower than the input, ' +
        '--policy decides: block (stop reading input, drop nothing), drop-oldest, drop-newest, or sample. ' +
        'Each event is written as the line it was read from.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--capacity <events>', 'events the buffer holds').default(DEFAULT_CLI_BUFFER_CAPACITY).argParser(parsePositiveIntArg))
    .addOption(new Option('--policy <policy>', 'what to do when the buffer is full: block, drop-oldest, drop-newest or sample').default('block').argParser(parsePolicyArg))
    .addOption(new Option('--rate <fraction>', 'sample only: probability of keeping each event, greater than 0 and at most 1 (required with sample)').argParser(parseNumberArg))
    .addOption(new Option('--seed <integer>', 'sample only: seed of the random generator (0 to 4294967295); the same seed and input keep the same events. Default: random').argParser(parseSeedArg))
    .addOption(
      new Option('--sample-above <fraction>', 'sample only: sample only while the buffer is fuller than this fraction of --capacity (0 to below 1), so nothing is shed while stdout keeps up. Default: always sample').argParser(
        parseNumberArg,
      ),
    );
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Policies, when the buffer is full:
  block        stop reading input until stdout takes an event; nothing is dropped
  drop-oldest  drop the oldest buffered event to make room for the new one
  drop-newest  drop the arriving event
  sample       keep each event with probability --rate (with --sample-above, only while the buffer is
               above that fill level); a kept event that finds the buffer full is dropped
The report counts dropped events and adds "buffered" (events in the buffer now) and "drop rate"
(dropped / received). It is printed at exit whenever an event was dropped, and every DURATION with
--stats-interval. Memory: --capacity events plus about 64 KiB of text waiting for stdout.
--time-field and --time-unit are accepted for symmetry with other commands; buffer does not read the time.

Examples:
  evproc generate --rate 50000 | evproc buffer --capacity 1000 --policy drop-oldest --stats-interval 1s | slow-consumer
  evproc buffer --policy sample --rate 0.1 --seed 7 --sample-above 0.5 events.ndjson
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: BufferCommandOptions) => {
    if (options.policy !== 'sample') {
      const sampleOnly: Array<[string, unknown]> = [['--rate', options.rate], ['--seed', options.seed], ['--sample-above', options.sampleAbove]];
      const stray = sampleOnly.find(([, value]) => value !== undefined);
      if (stray !== undefined) command.error(`error: ${stray[0]} applies only to --policy sample`, { exitCode: EXIT_USAGE });
    } else if (options.rate === undefined) {
      command.error('error: --policy sample needs --rate, the fraction of events to keep (for example --rate 0.1)', { exitCode: EXIT_USAGE });
    }
    let buffer: ReturnType<typeof createBuffer<string>>;
    try {
      buffer = createBuffer<string>({
        capacity: options.capacity,
        policy: options.policy,
        ...(options.rate === undefined ? {} : { rate: options.rate }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.sampleAbove === undefined ? {} : { sampleAbove: options.sampleAbove }),
        ndjsonOutput: true,
      });
    } catch (err) {
      if (!(err instanceof EvprocError)) throw err;
      command.error(`error: ${err.message}`, { exitCode: EXIT_USAGE });
      return;
    }
    let deadLetter: ReturnType<typeof parserOptionsOf>['deadLetter'];
    await runCommand('buffer', inputs, reportOptionsOf(options), () => {
      const read = parserOptionsOf(options, false);
      deadLetter = read.deadLetter;
      const parse = new LineTrackingParseOperator(read.parser);
      const lines = new OperatorTransform([parse, new RawLineOperator(parse)], { writableObjectMode: true, readableObjectMode: true });
      const stats = buffer.stats;
      return {
        stages: [lines, buffer],
        unit: 'events',
        counters: () => ({
          ...emptyCounters(),
          // Counted at the buffer, so a progress report keeps received = delivered + dropped + invalid + buffered.
          received: stats.received + parse.stats.invalid,
          delivered: stats.delivered,
          dropped: stats.dropped,
          invalid: parse.stats.invalid,
          buffered: stats.buffered,
          drop_rate: dropRate(stats),
        }),
        close: () => deadLetter?.close(),
      };
    });
  });
}

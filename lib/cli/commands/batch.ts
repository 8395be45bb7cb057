import { InvalidArgumentError, Option, type Command } from 'commander';
import { BatchOperator, DEFAULT_BATCH_COUNT, MAX_BATCH_COUNT, MAX_BATCH_MS } from '../../batch/batcher.js';
import { BatchLineOperator, RawEventParseOperator, type RawEvent } from '../../batch/raw-event.js';
import { OperatorTransform } from '../../core/operator-transform.js';
import { parseDuration } from '../../duration.js';
import { InvalidOptionError } from '../../errors.js';
import type { NdjsonSideFile } from '../../io/line-file.js';
import { createSink, parseSinkUrl } from '../../sinks/sink-url.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReadOptions, addReportOptions, argParser, parsePositiveIntArg, parserOptionsOf, reportOptionsOf, type ReadOptions } from '../options.js';
import { emptyCounters } from '../report.js';
import { runCommand, type ReportOptions } from '../run-command.js';

interface BatchCommandOptions extends ReadOptions, ReportOptions {
  count: number;
  ms: number;
  /** The sink URL as given; parsed in the action, so commander never echoes its password. */
  to?: string;
}

/** Default batch time limit of the command, in milliseconds. */
const DEFAULT_BATCH_MS = 1000;

function parseCountArg(text: string): number {
  const count = parsePositiveIntArg(text);
  if (count > MAX_BATCH_COUNT) throw new InvalidArgumentError(`expected at most ${MAX_BATCH_COUNT} events, got ${JSON.stringify(text)}`);
  return count;
}

const parseBatchMsArg = argParser((text: string): number => {
  const ms = parseDuration(text);
  if (ms > MAX_BATCH_MS) {
    throw new InvalidOptionError(
      `invalid batch time limit ${JSON.stringify(text)} (${ms} ms): the longest is ${MAX_BATCH_MS} ms (about 24.8 days), the longest Node.js timer; use 0 for no time limit`,
    );
  }
  return ms;
});

export function registerBatchCommand(program: Command): void {
  const command = program
    .command('batch')
    .summary('group events into batches by count or time; write them as NDJSON or to SQLite or PostgreSQL')
    .description(
      'Group events into batches of up to --count events. A batch closes when it is full or when its first event has waited --ms, ' +
        'whichever comes first; later events do not restart the timer, and no empty batch is ever written.\n' +
        'Without --to, each batch is one NDJSON line on stdout: {"batch_id", "created_at" (epoch ms), "size", "events": [...]}, ' +
        'with batch_id 1, 2, 3 … and the events as they were read. With --to, each batch is stored as table rows in one transaction.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--count <n>', `maximum events per batch (1 to ${MAX_BATCH_COUNT}); the open batch is held in memory: about 0.6 KB per event of 100 bytes`).default(DEFAULT_BATCH_COUNT).argParser(parseCountArg))
    .addOption(
      new Option('--ms <duration>', 'maximum time the first event of a batch waits: milliseconds, or a number with a unit ms, s, m, h, d; at most 24.8 days; 0 for no time limit')
        .default(DEFAULT_BATCH_MS, '1s')
        .argParser(parseBatchMsArg),
    )
    .option('--to <url>', 'store batches in a database instead of writing them to stdout: sqlite:PATH[?table=NAME] or postgres://[USER@]HOST[:PORT]/DATABASE[?table=NAME]');
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Database sinks create the table (default "events") when it is missing, with the columns
  batch_id, id, timestamp (epoch ms), source, value, event_type, event (the whole event as JSON; JSONB in PostgreSQL)
Each batch is written in one transaction, and the next batch is requested only after it is committed, so a
slow database slows reading instead of filling memory. A failed write rolls the batch back and stops the run
with exit 1; the summary's "rows" counts committed rows only, and "delivered" counts committed batches.
--time-field and --time-unit say how to read the timestamp column; events without a valid timestamp are kept
(the column is null). PostgreSQL takes user, password and host from the URL or the PG* environment variables.

Examples:
  evproc batch --count 500 --ms 2s events.ndjson
  cat events.ndjson | evproc batch --count 500 --to sqlite:events.db
  evproc batch --to 'postgres://postgres@127.0.0.1:5432/test?table=sensor_events' events.ndjson
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: BatchCommandOptions) => {
    let deadLetter: NdjsonSideFile | undefined;
    await runCommand('batch', inputs, reportOptionsOf(options), () => {
      // Parsed here rather than by commander, whose message would quote the whole URL, password included.
      const target = options.to === undefined ? undefined : parseSinkUrl(options.to);
      const read = parserOptionsOf(options, false);
      deadLetter = read.deadLetter;
      const parse = new RawEventParseOperator(read.parser, { rejectNulCharacters: target?.kind === 'postgres' });
      const batcher = new BatchOperator<RawEvent>({ count: options.count, ...(options.ms === 0 ? {} : { ms: options.ms }) });
      const sink = target === undefined ? undefined : createSink(target, { items: 'raw-events', timeField: options.timeField, timeUnit: options.timeUnit });
      const stage = createBatchStage(parse, batcher, sink === undefined ? 'ndjson' : 'batches');
      return {
        stages: [stage],
        ...(sink === undefined ? {} : { output: sink }),
        unit: 'batches',
        counters: () => ({
          ...emptyCounters(),
          received: parse.stats.events + parse.stats.invalid,
          delivered: sink === undefined ? batcher.stats.batches : sink.stats.batches,
          invalid: parse.stats.invalid + parse.rejected,
          ...(sink === undefined ? {} : { rows: sink.stats.rows }),
        }),
        close: () => deadLetter?.close(),
      };
    });
  });
}

/**
 * Fuses the command's parse and batch operators into one Transform that
 * emits NDJSON batch lines ("ndjson") or batch objects for a sink
 * ("batches"). The writable side buffers one input chunk (up to 64 KiB)
 * instead of Node's default 16, which let reading run about 1 MiB ahead
 * of a stalled sink. For a sink, one batch waits in the readable buffer while
 * the sink writes another.
 */
export function createBatchStage(parse: RawEventParseOperator, batcher: BatchOperator<RawEvent>, output: 'ndjson' | 'batches'): OperatorTransform {
  const stage =
    output === 'ndjson'
      ? new OperatorTransform([parse, batcher, new BatchLineOperator()], { writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 1 })
      : new OperatorTransform([parse, batcher], { writableObjectMode: true, readableObjectMode: true, highWaterMark: 1, writableHighWaterMark: 1 });
  batcher.onTimerError = (err) => stage.destroy(err as Error);
  stage.once('close', () => batcher.cancel());
  return stage;
}

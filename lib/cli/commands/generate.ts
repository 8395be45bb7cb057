import { InvalidArgumentError, Option, type Command } from 'commander';
import { toEpochMs } from '../../event/timestamp.js';
import { GeneratorSource } from '../../generate/generator-source.js';
import { DEFAULT_SEED, DEFAULT_SOURCES, MAX_SOURCES, MAX_TIMESTAMP } from '../../generate/sensor-model.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReportOptions, reportOptionsOf } from '../options.js';
import { emptyCounters } from '../report.js';
import { printError, runCommand, type ReportOptions } from '../run-command.js';

interface GenerateCommandOptions extends ReportOptions {
  count?: number;
  rate?: number;
  sources: number;
  seed: number;
  start: number;
}

function parseCountArg(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`expected a whole number of events, 0 or more, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseRateArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`expected a number of events per second above 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseSourcesArg(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > MAX_SOURCES) {
    throw new InvalidArgumentError(`expected a whole number of sensors from 1 to ${MAX_SOURCES}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseSeedArg(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`expected a whole number, 0 or more, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseStartArg(text: string): number {
  const value = toEpochMs(text, 'ms');
  if (!Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`expected whole epoch milliseconds or an ISO-8601 date-time, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function registerGenerateCommand(program: Command): void {
  const command = program
    .command('generate')
    .summary('write simulated sensor events, optionally at a fixed rate')
    .description(
      'Write simulated sensor events as NDJSON to stdout: id, timestamp (epoch ms), source (sensor-0 … sensor-N), value, event_type ' +
        '(Metric, Log, Alert, Error). Each sensor reads a baseline plus a daily sine, a slow drift, Gaussian noise and rare spikes; ' +
        'the sensors report in turn. Takes no input.',
    )
    .allowExcessArguments(false)
    .addOption(new Option('--count <events>', 'number of events to write; without it, run until SIGINT or SIGTERM').argParser(parseCountArg))
    .addOption(new Option('--rate <events-per-second>', 'pace the output at this many events per second of wall-clock time; without it, write as fast as stdout reads').argParser(parseRateArg))
    .addOption(new Option('--sources <count>', `number of simulated sensors, at most ${MAX_SOURCES}`).default(DEFAULT_SOURCES).argParser(parseSourcesArg))
    .addOption(new Option('--seed <integer>', 'seed of the pseudo-random generator (low 32 bits are used)').default(DEFAULT_SEED).argParser(parseSeedArg))
    .addOption(
      new Option('--start <time>', `timestamp of the first event: epoch milliseconds or an ISO-8601 date-time (UTC when no offset); the last event must not pass ${MAX_TIMESTAMP}`)
        .default(Date.UTC(2024, 0, 1), '2024-01-01T00:00:00Z')
        .argParser(parseStartArg),
    );
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Timestamps come from a simulated clock, not the wall clock: the first event has --start and each next event is
1000 / rate ms later (1 ms without --rate). So the same --seed and options always give the same bytes.
With --rate, event i is written no earlier than i / rate seconds after the start, in small batches every 10 ms or
more, and long runs do not drift. A slow reader slows the output. When the output falls more than 100 ms behind
schedule (a slow reader, a busy machine), the missed time is skipped instead of written in a burst, and the report
counts it as "skipped ms": over any interval the output stays within 100 ms worth of events of the rate.
Without --count, a run ends by itself only if its timestamps reach ${MAX_TIMESTAMP}, the largest valid one.

Examples:
  evproc generate --count 1000 --seed 7 > events.ndjson
  evproc generate --rate 2000 --sources 16 | evproc window --ms 1s --by source
${EXIT_CODES_HELP}`,
  );
  command.action(async (options: GenerateCommandOptions) => {
    await runCommand('generate', [], reportOptionsOf(options), () => {
      const source = new GeneratorSource({
        ...(options.count === undefined ? {} : { count: options.count }),
        ...(options.rate === undefined ? {} : { rate: options.rate }),
        sources: options.sources,
        seed: options.seed,
        startTime: options.start,
      });
      return {
        source,
        stages: [],
        unit: 'events',
        counters: () => ({
          ...emptyCounters(),
          delivered: source.stats.generated,
          ...(options.rate === undefined ? {} : { skipped_ms: Math.round(source.stats.skippedMs) }),
        }),
        close: () => {
          if (source.stats.reachedTimeLimit) {
            const events = source.stats.generated === 1 ? '1 event' : `${source.stats.generated} events`;
            printError(`evproc generate: warning: stopped after ${events} because the next timestamp would pass ${MAX_TIMESTAMP}, the largest valid one`);
          }
        },
      };
    });
  });
}

import { InvalidArgumentError, Option, type Command } from 'commander';
import { WindowAnomalyOperator, parseBaselineMode, type BaselineMode } from '../../anomaly/window-anomaly.js';
import { ADAPTIVE_DEFAULTS } from '../../anomaly/adaptive-baseline.js';
import { describeMissingFields, FieldPresenceCounter } from '../../anomaly/field-presence.js';
import { OperatorTransform } from '../../core/operator-transform.js';
import { NdjsonStringifyOperator } from '../../io/ndjson-writer.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { addReadOptions, addReportOptions, argParser, parseDurationArg, parsePositiveIntArg, reportOptionsOf } from '../options.js';
import { emptyCounters } from '../report.js';
import { printError, runCommand, type ReportOptions } from '../run-command.js';
import { createWindowChain, type WindowChainOptions } from '../window-chain.js';

interface AnomaliesCommandOptions extends WindowChainOptions, ReportOptions {
  baseline: BaselineMode;
  threshold: number;
  exitThreshold?: number;
  alpha: number;
  warmup: number;
  alertAlphaFactor: number;
  minRelativeDeviation: number;
  minDeviation: number;
  rearm: number;
  maxKeys: number;
}

function parseWindowLengthArg(text: string): number {
  const ms = parseDurationArg(text);
  if (ms < 1) throw new InvalidArgumentError(`expected a window length of at least 1ms, got ${JSON.stringify(text)}`);
  return ms;
}

function parseAlphaArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value <= 1)) throw new InvalidArgumentError(`expected a number above 0 and at most 1, got ${JSON.stringify(text)}`);
  return value;
}

function parsePositiveNumberArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`expected a finite number above 0, got ${JSON.stringify(text)}`);
  return value;
}

function parseNonNegativeNumberArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`expected a finite number, 0 or more, got ${JSON.stringify(text)}`);
  return value;
}

function parseFractionArg(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new InvalidArgumentError(`expected a number from 0 to 1, got ${JSON.stringify(text)}`);
  return value;
}

export function registerAnomaliesCommand(program: Command): void {
  const command = program
    .command('anomalies')
    .summary('alert on tumbling windows that depart from their baseline')
    .description(
      'Aggregate events into tumbling event-time windows (as evproc window does), compare each window with the baseline of its key, ' +
        'and write one NDJSON alert per anomaly: timestamp (window end), source (key), event_type "Alert", message, severity, rule, rules, ' +
        'window {start, end, key, count, avg, min, max}, baseline and scores.\n' +
        'Reads the files given, or stdin when there are none ("-" also means stdin). Files are read concurrently and their events interleave, ' +
        'each file in its own order; --ordered merges files that are each sorted by event time.',
    )
    .argument('[inputs...]', 'NDJSON files to read; stdin when none')
    .addOption(new Option('--ms <duration>', 'window length, at least 1ms: milliseconds, or a number with a unit ms, s, m, h, d').argParser(parseWindowLengthArg).makeOptionMandatory())
    .option('--by <path>', 'keep one baseline per value of this dotted field path (for example source)')
    .option('--value-field <path>', 'dotted path of the numeric value', 'value')
    .addOption(new Option('--baseline <mode>', 'first: compare with the first window of the key; adaptive: moving mean and deviation').default('adaptive').argParser(argParser(parseBaselineMode)))
    .addOption(new Option('--threshold <z>', 'adaptive: |z-score| at which a key enters alert').default(ADAPTIVE_DEFAULTS.threshold).argParser(parsePositiveNumberArg))
    .addOption(new Option('--exit-threshold <z>', 'adaptive: |z-score| below which a key leaves alert (default: threshold / 2)').argParser(parseNonNegativeNumberArg))
    .addOption(new Option('--alpha <weight>', 'adaptive: weight of the newest window in the moving mean and variance, above 0 and at most 1').default(ADAPTIVE_DEFAULTS.alpha).argParser(parseAlphaArg))
    .addOption(new Option('--warmup <windows>', 'adaptive: windows per key that only train the baseline; their median and MAD start it').default(ADAPTIVE_DEFAULTS.warmup).argParser(parsePositiveIntArg))
    .addOption(
      new Option('--rearm <windows>', 'adaptive: windows in a row below --exit-threshold, counting the one that ends an alert, before a key can alert again; 1 re-arms at once')
        .default(ADAPTIVE_DEFAULTS.rearm)
        .argParser(parsePositiveIntArg),
    )
    .addOption(
      new Option('--alert-alpha-factor <factor>', 'adaptive: factor on alpha while a key is in alert; 0 freezes the baseline').default(ADAPTIVE_DEFAULTS.alertAlphaFactor).argParser(parseFractionArg),
    )
    .addOption(
      new Option('--min-relative-deviation <fraction>', 'adaptive: smallest deviation of the average, as a fraction of the moving mean')
        .default(ADAPTIVE_DEFAULTS.minRelativeDeviation)
        .argParser(parseNonNegativeNumberArg),
    )
    .addOption(
      new Option('--min-deviation <value>', 'adaptive: smallest deviation of the average, in the unit of the value field; keeps scores finite near 0')
        .default(ADAPTIVE_DEFAULTS.minDeviation)
        .argParser(parseNonNegativeNumberArg),
    )
    .addOption(new Option('--max-keys <count>', 'maximum number of keys with a baseline; beyond it the key seen least recently is dropped (counted as "keys evicted") and starts over').default(ADAPTIVE_DEFAULTS.maxKeys).argParser(parsePositiveIntArg))
    .addOption(new Option('--allowed-lateness <duration>', 'how far the watermark trails the highest timestamp seen').default(0, '0').argParser(parseDurationArg))
    .option('--late-output <file>', 'write each late event (its window was already emitted) to FILE as NDJSON');
  addReadOptions(command);
  addReportOptions(command);
  command.addHelpText(
    'after',
    `
Modes:
  first     The first window of each key is its baseline. A window alerts when its event count exceeds 2 × the
            baseline count or its average exceeds 1.5 × the baseline average; a long anomaly alerts on every window.
  adaptive  Per key, an exponentially weighted moving mean and variance of the window average and the event count.
            A window's score is its largest |z|. A key enters alert (one alert) when the score reaches --threshold
            after --warmup windows, and leaves alert when it falls below --exit-threshold. It can alert again
            only after --rearm windows in a row below --exit-threshold; an earlier spike continues the same
            alert. While in alert the baseline learns with exactly alpha × --alert-alpha-factor. The deviation of
            the average is at least max(--min-relative-deviation × |mean|, --min-deviation), the deviation of the
            count at least √mean.

Severity: first: High, Critical when 1.5 × past the limit. adaptive: Medium, High from 1.5 × threshold, Critical
from 2.5 × threshold. A key with no events in a window has no window, so a silent source raises no alert.
The windows still open when the input ends (or on SIGINT or SIGTERM) are cut short, so they are not scored;
the report counts them as "unscored". It also counts events "without value" (no JSON number in --value-field)
and "without key" (no --by field), and warns when no event had the field.

Examples:
  evproc anomalies --ms 1m --by source events.ndjson
  zcat data/wsn-single-hop.ndjson.gz | evproc anomalies --ms 1m --by source --value-field humidity
${EXIT_CODES_HELP}`,
  );
  command.action(async (inputs: string[], options: AnomaliesCommandOptions) => {
    await runCommand('anomalies', inputs, reportOptionsOf(options), (names) => {
      const chain = createWindowChain(options, names);
      const { window } = chain;
      const fields = { valueField: options.valueField, ...(options.by === undefined ? {} : { keyField: options.by }) };
      const presence = new FieldPresenceCounter(fields);
      const detector = new WindowAnomalyOperator({
        baseline: options.baseline,
        threshold: options.threshold,
        ...(options.exitThreshold === undefined ? {} : { exitThreshold: options.exitThreshold }),
        alpha: options.alpha,
        warmup: options.warmup,
        alertAlphaFactor: options.alertAlphaFactor,
        minRelativeDeviation: options.minRelativeDeviation,
        minDeviation: options.minDeviation,
        rearm: options.rearm,
        maxKeys: options.maxKeys,
        window,
      });
      const stage = new OperatorTransform([...chain.operators([presence]), detector, new NdjsonStringifyOperator()], { writableObjectMode: true, readableObjectMode: false });
      return {
        stages: [stage],
        unit: 'alerts',
        counters: () => ({
          ...emptyCounters(),
          ...chain.counters(),
          delivered: detector.stats.alerts,
          windows: detector.stats.windows,
          unscored_windows: detector.stats.unscored,
          windows_in_alert: detector.stats.windowsInAlert,
          without_value: presence.stats.withoutValue,
          ...(options.by === undefined ? {} : { without_key: presence.stats.withoutKey }),
          keys_evicted: detector.stats.keysEvicted,
        }),
        close: () => {
          for (const warning of describeMissingFields(presence.stats, fields)) printError(`evproc anomalies: warning: ${warning}`);
          chain.close();
        },
      };
    });
  });
}

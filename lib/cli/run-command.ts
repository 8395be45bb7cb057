import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { debuglog } from 'node:util';
import { EvprocError, InvalidOptionError } from '../errors.js';
import type { TimeUnit } from '../event/timestamp.js';
import { createFanOut } from '../fanout/fan-out.js';
import { checkInputNamesUnique, checkInputsReadable, STDIN_NAME } from '../io/input-source.js';
import { createCommandSource, readInputList, type CommandSource } from '../merge/command-source.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM, EXIT_USAGE } from './exit-codes.js';
import { checkOutputPaths, type OutputPath } from './output-paths.js';
import { formatReport, type RunCounters, type StatsFormat } from './report.js';
import { openTeeBranches } from './tee.js';

const debug = debuglog('evproc');

/** Input settings of runCommand, for a command that has no source of its own. */
export interface InputOptions {
  /** Merge the inputs by event time (OrderedMergeSource); default: interleave them in arrival order. */
  ordered?: boolean;
  /** Lines queued per input when ordered. */
  perInputLines?: number;
  /** A file listing more inputs, one per line; when the list ends up empty, there is nothing to read. */
  inputsFrom?: string;
  /** Event time field and unit, for the ordered merge. */
  timeField?: string;
  timeUnit?: TimeUnit;
  maxLineBytes?: number;
}

/** Options every command takes for its stderr report, its inputs and its output copies. */
export interface ReportOptions {
  /** Files the command will create or truncate; checked against the inputs and each other before anything opens. */
  outputs?: OutputPath[];
  /** Print the summary even when nothing was rejected, late or dropped. */
  stats?: boolean;
  statsFormat?: StatsFormat;
  /** Print a progress report every this many milliseconds. */
  statsInterval?: number;
  input?: InputOptions;
  /** --tee targets: the output is also written to each of them. */
  tee?: string[];
}

/** The parts of a command run: a source, stages, an output, and its counters. */
export interface CommandPlan {
  /** The source; default: an InputSource over the command's inputs. */
  source?: Readable & { stop?: () => void };
  /** Stream stages between the source and the output. */
  stages: Array<NodeJS.ReadWriteStream>;
  /** Destination; default process.stdout. */
  output?: Writable;
  counters(): RunCounters;
  /** Unit of `delivered`: events, windows, batches or alerts. */
  unit: string;
  /** Called once when the run ends, successfully or not; closes side files. */
  close?(): void;
  /** Called on SIGINT or SIGTERM before the source is stopped. */
  onStop?(): void;
}

/** Writes a line to stderr; the CLI's only channel for reports and errors. */
export function printError(line: string): void {
  process.stderr.write(line + '\n');
}

function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' && process.stdout.destroyed;
}

/**
 * Runs one command from input to output and sets process.exitCode. It never
 * calls process.exit, so stdout is drained before the process ends, however
 * slow its reader.
 *
 * - A closed stdout (a reader such as head that stopped) ends the run
 *   quietly with exit 0, and input reading stops.
 * - The first SIGINT or SIGTERM stops reading. Stages flush what they keep,
 *   the output is drained, and the exit code is 130 or 143. A second signal
 *   exits at once.
 * - The summary goes to stderr with --stats, and always when something was
 *   rejected, late, dropped or out of order.
 * - Without a source of the plan's own, the inputs (plus those listed in
 *   --inputs-from) are read concurrently and interleaved, or merged by event
 *   time with --ordered (see createCommandSource). `buildPlan` gets that
 *   final list of inputs.
 * - With --tee the output goes through a shared fan-out to stdout and every
 *   copy. A closed stdout detaches only stdout.
 */
export async function runCommand(command: string, inputs: readonly string[], report: ReportOptions, buildPlan: (inputs: readonly string[]) => CommandPlan): Promise<void> {
  let plan: CommandPlan;
  let names = inputs;
  let teeBranches: ReturnType<typeof openTeeBranches> = [];
  try {
    if (report.input?.inputsFrom !== undefined) names = [...inputs, ...readInputList(report.input.inputsFrom)];
    if (names.length > 0) checkInputsReadable(names);
    checkInputNamesUnique(names);
    const listFile = report.input?.inputsFrom;
    const readsStdin = names.includes(STDIN_NAME) || (names.length === 0 && listFile === undefined);
    checkOutputPaths(report.outputs ?? [], listFile === undefined ? names : [...names, listFile], readsStdin);
    teeBranches = openTeeBranches(report.tee ?? []);
    plan = buildPlan(names);
  } catch (err) {
    if (err instanceof InvalidOptionError) {
      // An option value that only the stage could check is still a usage error.
      printError(`evproc ${command}: error: ${err.message}\n(run with --help for usage)`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    fail(command, err);
    return;
  }

  let merged: CommandSource | undefined;
  if (plan.source === undefined) {
    merged = createCommandSource(names, { ...report.input, noInputsMeansStdin: report.input?.inputsFrom === undefined });
  }
  const source = plan.source ?? merged!.source;
  let output = plan.output ?? process.stdout;
  if (teeBranches.length > 0) {
    // stdout is optional: when its reader stops early, the --tee copies still get every line.
    const fan = createFanOut([{ name: 'stdout', streams: output, optional: output === process.stdout }, ...teeBranches], { mode: 'shared', objectMode: false });
    fan.on('detach', (name: string, err: Error) => {
      if (!isBrokenPipe(err)) printError(`evproc ${command}: warning: ${name} failed (${err.message}); the --tee copies go on`);
    });
    output = fan;
  }
  const counters = (): RunCounters => ({ ...plan.counters(), ...merged?.counters() });
  const format = report.statsFormat ?? 'text';
  let stoppedBy: NodeJS.Signals | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppedBy !== undefined) {
      process.exit(signal === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM);
    }
    stoppedBy = signal;
    debug('%s received: flushing open state', signal);
    plan.onStop?.();
    if (source.stop !== undefined) source.stop();
    else source.push(null);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const timer =
    report.statsInterval === undefined
      ? undefined
      : setInterval(() => printError(formatReport(command, 'progress', counters(), plan.unit, format)), report.statsInterval);
  timer?.unref();

  let stdoutError: Error | undefined;
  const onStdoutError = (err: Error): void => {
    stdoutError ??= err;
  };
  process.stdout.on('error', onStdoutError);

  let failure: unknown;
  let brokenPipe = false;
  try {
    await pipeline([source, ...plan.stages, output] as ReadonlyArray<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream>);
  } catch (err) {
    if (isBrokenPipe(err)) brokenPipe = true;
    // pipeline destroys stdout with whatever error ended the run, so only a
    // system error (ENOSPC, EIO) seen on stdout is a failed write to it.
    else if (err === stdoutError && (err as NodeJS.ErrnoException).syscall !== undefined) failure = new EvprocError('ERR_OUTPUT_FAILED', `cannot write to stdout: ${(err as Error).message}`, { cause: err });
    else failure = err;
  } finally {
    process.stdout.off('error', onStdoutError);
    if (timer !== undefined) clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  try {
    plan.close?.();
  } catch (err) {
    failure ??= err;
  }

  if (brokenPipe && failure === undefined) {
    process.exitCode = EXIT_OK;
    return;
  }

  const final = counters();
  const outOfOrder = final['out_of_order'] ?? 0;
  if (report.stats === true || final.invalid > 0 || final.late > 0 || final.dropped > 0 || outOfOrder > 0 || failure !== undefined) {
    printError(formatReport(command, 'summary', final, plan.unit, format));
  }

  if (failure !== undefined) {
    fail(command, failure);
    return;
  }
  if (stoppedBy !== undefined) {
    process.exitCode = stoppedBy === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM;
    return;
  }
  process.exitCode = EXIT_OK;
}

/** Reports an error on stderr and sets exit code 1. Unexpected errors also print their stack with NODE_DEBUG=evproc. */
export function fail(command: string, err: unknown): void {
  if (err instanceof EvprocError) {
    printError(`evproc ${command}: error: ${err.message}`);
  } else {
    printError(`evproc ${command}: error: ${(err as Error)?.message ?? String(err)}`);
    debug('%s', (err as Error)?.stack);
  }
  process.exitCode = EXIT_FAILURE;
}

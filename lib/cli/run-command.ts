import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { debuglog } from 'node:util';
import { EvprocError } from '../errors.js';
import { checkInputsReadable, InputSource } from '../io/input-source.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_SIGINT, EXIT_SIGTERM } from './exit-codes.js';
import { formatReport, type RunCounters, type StatsFormat } from './report.js';

const debug = debuglog('evproc');

/** Options every command takes for its stderr report. */
export interface ReportOptions {
  /** Print the summary even when nothing was rejected, late or dropped. */
  stats?: boolean;
  statsFormat?: StatsFormat;
  /** Print a progress report every this many milliseconds. */
  statsInterval?: number;
}

/** What a command runs: a source, stages and an output, and how to count. */
export interface CommandPlan {
  /** The source; default: an InputSource over the command's inputs. */
  source?: Readable & { stop?: () => void };
  /** Stream stages between the source and the output. */
  stages: Array<NodeJS.ReadWriteStream>;
  /** Destination; default process.stdout. */
  output?: Writable;
  counters(): RunCounters;
  /** What `delivered` counts: events, windows, batches, alerts. */
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
 * Runs one command from input to output and sets process.exitCode; it never
 * calls process.exit, so stdout is drained before the process ends,
 * however slow its reader.
 *
 * - A closed stdout (a reader such as head that stopped) ends the run
 *   quietly with exit 0, and input reading stops.
 * - The first SIGINT or SIGTERM stops reading; stages flush what they hold,
 *   the output is drained, and the exit code is 130 or 143. A second signal
 *   exits at once.
 * - The summary goes to stderr with --stats, and always when something was
 *   rejected, late or dropped.
 */
export async function runCommand(command: string, inputs: readonly string[], report: ReportOptions, buildPlan: () => CommandPlan): Promise<void> {
  let plan: CommandPlan;
  try {
    if (inputs.length > 0) checkInputsReadable(inputs);
    plan = buildPlan();
  } catch (err) {
    fail(command, err);
    return;
  }

  const source = plan.source ?? new InputSource(inputs);
  const output = plan.output ?? process.stdout;
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
      : setInterval(() => printError(formatReport(command, 'progress', plan.counters(), plan.unit, format)), report.statsInterval);
  timer?.unref();

  let failure: unknown;
  let brokenPipe = false;
  try {
    await pipeline([source, ...plan.stages, output] as ReadonlyArray<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream>);
  } catch (err) {
    if (isBrokenPipe(err)) brokenPipe = true;
    else failure = err;
  } finally {
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

  const counters = plan.counters();
  if (report.stats === true || counters.invalid > 0 || counters.late > 0 || counters.dropped > 0 || failure !== undefined) {
    printError(formatReport(command, 'summary', counters, plan.unit, format));
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

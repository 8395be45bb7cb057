import type { Operator } from '../core/operator.js';
import type { Event } from '../event/event.js';
import { displayName, STDIN_NAME } from '../io/input-source.js';
import { NdjsonSideFile } from '../io/line-file.js';
import { InputBoundaryOperator } from '../merge/input-boundary-operator.js';
import { LineTrackingParseOperator } from '../transforms/raw-line.js';
import { TumblingWindowOperator, type TumblingWindowOptions } from '../window/tumbling-window.js';
import { parserOptionsOf, type ReadOptions } from './options.js';

/** Options of the commands that read events into a tumbling window (`window`, `anomalies`). */
export interface WindowChainOptions extends ReadOptions {
  ms: number;
  by?: string;
  valueField: string;
  allowedLateness: number;
  lateOutput?: string;
  min?: number;
  max?: number;
}

/** Window settings as plain data, which worker threads can receive too. */
export type WindowSettings = Pick<TumblingWindowOptions, 'size' | 'timeField' | 'timeUnit' | 'valueField' | 'keyField'> & {
  allowedLateness: number;
  min: number;
  max: number;
};

/** Returns the window settings given by the command-line options. */
export function windowSettingsOf(options: WindowChainOptions): WindowSettings {
  return {
    size: options.ms,
    timeField: options.timeField,
    timeUnit: options.timeUnit,
    valueField: options.valueField,
    ...(options.by === undefined ? {} : { keyField: options.by }),
    allowedLateness: options.allowedLateness,
    min: options.min ?? 0,
    max: options.max ?? 100,
  };
}

/** The parse and window operators of a command, with its side files and counters. */
export interface WindowChain {
  parse: LineTrackingParseOperator;
  window: TumblingWindowOperator;
  deadLetter: NdjsonSideFile | undefined;
  /**
   * Returns the operators in order: input boundaries, parsing, the operators
   * given (which see each event before the window), then the window.
   */
  operators(between?: ReadonlyArray<Operator<Event, Event>>): Array<Operator<any, any>>;
  /** Returns the received, invalid and late counts of the parse and window stages. */
  counters(): { received: number; invalid: number; late: number };
  /** Closes the dead-letter and late-event files. */
  close(): void;
}

/**
 * Builds the parse → window chain shared by the windowing commands. Each
 * input keeps its own watermark, so interleaved inputs that are each in
 * order make no event late. Late events go to --late-output as their
 * original line, so every number keeps its spelling, and invalid events
 * are reported with their input and line. Opens the side files, so call it
 * only after the output paths were checked.
 */
export function createWindowChain(options: WindowChainOptions, inputNames: readonly string[]): WindowChain {
  const read = parserOptionsOf(options, true);
  const deadLetter = read.deadLetter;
  let lateFile: NdjsonSideFile | undefined;
  try {
    lateFile = options.lateOutput === undefined ? undefined : new NdjsonSideFile(options.lateOutput);
  } catch (err) {
    deadLetter?.close();
    throw err;
  }
  const parse = new LineTrackingParseOperator(read.parser);
  const window = new TumblingWindowOperator({
    ...windowSettingsOf(options),
    ...(lateFile === undefined ? {} : { onLate: () => lateFile!.writeLine(parse.lastLine) }),
    onInvalid: options.onError,
    describePosition: () => parse.position(),
    inputs: (inputNames.length === 0 && options.inputsFrom === undefined ? [STDIN_NAME] : inputNames).map(displayName),
  });
  return {
    parse,
    window,
    deadLetter,
    operators: (between = []) => [new InputBoundaryOperator(window), parse, ...between, window],
    counters: () => ({
      received: parse.stats.events + parse.stats.invalid,
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
}

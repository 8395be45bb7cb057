import { EvprocError, InvalidOptionError } from '../errors.js';

/** What to do with a line or event that cannot be used. */
export type OnError = 'fail' | 'skip';

export function parseOnError(text: string): OnError {
  if (text === 'fail' || text === 'skip') return text;
  throw new InvalidOptionError(`invalid --on-error value ${JSON.stringify(text)}: expected fail or skip`);
}

/** A rejected line, as written to a dead-letter file. */
export interface Rejection {
  /** Input name: the file path as given, or "stdin". */
  input: string;
  /** 1-based line number within that input. */
  line: number;
  reason: string;
  /** The line's text, without its line end. */
  text: string;
}

/** Receives every rejected line, before the fail policy (if any) stops the run. */
export type RejectionHandler = (rejection: Rejection) => void;

export class InvalidLineError extends EvprocError {
  readonly input: string;
  readonly line: number;

  constructor(rejection: Rejection, code: 'ERR_INVALID_LINE' | 'ERR_LINE_TOO_LONG' = 'ERR_INVALID_LINE') {
    super(
      code,
      `${rejection.input}:${rejection.line}: ${rejection.reason}. Fix the line, or run with --on-error skip to count and skip such lines (--dead-letter FILE keeps them).`,
    );
    this.name = 'InvalidLineError';
    this.input = rejection.input;
    this.line = rejection.line;
  }
}

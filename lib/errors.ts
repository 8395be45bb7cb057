/**
 * Error codes raised by evproc. A code is stable across versions, so callers
 * can branch on `err.code` instead of parsing the message.
 */
export type EvprocErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_LINE'
  | 'ERR_LINE_TOO_LONG'
  | 'ERR_INVALID_EVENT'
  | 'ERR_INPUT_UNREADABLE'
  | 'ERR_OUTPUT_FAILED'
  | 'ERR_SINK_FAILED'
  | 'ERR_EXPRESSION';

/**
 * Base class of every error evproc raises on purpose. The message names the
 * value, the place (input name and line number where there is one) and what
 * to do about it.
 */
export class EvprocError extends Error {
  readonly code: EvprocErrorCode;

  constructor(code: EvprocErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvprocError';
    this.code = code;
  }
}

/** Raised when a caller passes an option value that cannot be used. */
export class InvalidOptionError extends EvprocError {
  constructor(message: string) {
    super('ERR_INVALID_OPTION', message);
    this.name = 'InvalidOptionError';
  }
}

/** Formats a value for an error message: strings quoted, others as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  try {
    return `${JSON.stringify(value)} (${Array.isArray(value) ? 'array' : typeof value})`;
  } catch {
    return `a ${typeof value}`;
  }
}

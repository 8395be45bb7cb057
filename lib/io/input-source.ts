import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { EvprocError } from '../errors.js';
import type { InputChunk } from './input-chunk.js';

/** The input name that stands for standard input. */
export const STDIN_NAME = '-';

/** Bytes per read from a file. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Options of InputSource. */
export interface InputSourceOptions {
  /** Stream used for "-". Default process.stdin. */
  stdin?: NodeJS.ReadableStream & { destroy?: () => void };
  /** Readable-side buffer limit, in chunks of up to 64 KiB. Default 4. */
  highWaterMark?: number;
}

/** Returns the name used for an input in messages: "stdin" for "-", else the path as given. */
export function displayName(input: string): string {
  return input === STDIN_NAME ? 'stdin' : input;
}

/**
 * Checks up front that each named file exists and can be read, so a typo
 * fails before any output is written. Throws EvprocError ERR_INPUT_UNREADABLE.
 */
export function checkInputsReadable(inputs: readonly string[]): void {
  for (const input of inputs) {
    if (input === STDIN_NAME) continue;
    try {
      accessSync(input, constants.R_OK);
      if (statSync(input).isDirectory()) {
        throw new EvprocError('ERR_INPUT_UNREADABLE', `cannot read input ${input}: it is a directory`);
      }
    } catch (err) {
      if (err instanceof EvprocError) throw err;
      throw unreadable(input, err);
    }
  }
}

function unreadable(input: string, err: unknown): EvprocError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
  return new EvprocError('ERR_INPUT_UNREADABLE', `cannot read input ${input}: ${why}`, { cause: err });
}

/**
 * Reads the named inputs one after another ("-" is stdin) and emits
 * InputChunks: the bytes of each input, then `{ input, data: null }` at its
 * end. Backpressure: the current file or stdin is paused while this stream's
 * buffer is full. `stop()` ends the stream early but cleanly, so the stages
 * downstream flush what they hold (used on SIGINT and SIGTERM).
 */
export class InputSource extends Readable {
  readonly #inputs: string[];
  readonly #stdin: NodeJS.ReadableStream & { destroy?: () => void };
  #index = -1;
  #current: NodeJS.ReadableStream | undefined;
  #currentName = '';
  #stopped = false;

  constructor(inputs: readonly string[], options: InputSourceOptions = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 4 });
    this.#inputs = inputs.length === 0 ? [STDIN_NAME] : [...inputs];
    this.#stdin = options.stdin ?? process.stdin;
  }

  /** Stops reading and ends the stream after what was already read. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#release();
    if (!this.destroyed) this.push(null);
  }

  override _read(): void {
    if (this.#stopped) return;
    if (this.#current === undefined) {
      this.#openNext();
    } else {
      this.#current.resume();
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopped = true;
    this.#release();
    callback(err);
  }

  #openNext(): void {
    this.#index++;
    if (this.#index >= this.#inputs.length) {
      this.push(null);
      return;
    }
    const input = this.#inputs[this.#index]!;
    const name = displayName(input);
    const stream: NodeJS.ReadableStream = input === STDIN_NAME ? this.#stdin : createReadStream(input, { highWaterMark: READ_CHUNK_BYTES });
    this.#current = stream;
    this.#currentName = name;
    stream.on('data', this.#onData);
    stream.once('end', this.#onEnd);
    stream.once('error', this.#onError);
    stream.resume();
  }

  #onData = (data: Buffer | string): void => {
    const chunk: InputChunk = { input: this.#currentName, data: typeof data === 'string' ? Buffer.from(data) : data };
    if (!this.push(chunk)) this.#current?.pause();
  };

  #onEnd = (): void => {
    const name = this.#currentName;
    this.#detach();
    if (this.#stopped) return;
    this.push({ input: name, data: null } satisfies InputChunk);
    this.#openNext();
  };

  #onError = (err: Error): void => {
    const input = this.#inputs[this.#index]!;
    this.#detach();
    this.destroy(input === STDIN_NAME ? new EvprocError('ERR_INPUT_UNREADABLE', `cannot read stdin: ${err.message}`, { cause: err }) : unreadable(input, err));
  };

  #detach(): void {
    const stream = this.#current;
    if (stream === undefined) return;
    stream.off('data', this.#onData);
    stream.off('end', this.#onEnd);
    stream.off('error', this.#onError);
    this.#current = undefined;
  }

  /** Stops the current input: files are closed; stdin is paused and destroyed so the process can exit. */
  #release(): void {
    const stream = this.#current;
    this.#detach();
    if (stream === undefined) return;
    // Swallow errors raised while tearing down.
    stream.on('error', () => {});
    stream.pause();
    (stream as { destroy?: () => void }).destroy?.();
  }
}

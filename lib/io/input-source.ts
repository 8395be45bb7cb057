/**
 * Reading the named inputs of a command: files, FIFOs and stdin ("-").
 *
 * InputSource reads several inputs at once and emits their bytes as
 * InputChunks in arrival order, so a slow input never holds back a fast one,
 * while each input's own bytes stay in order. What it buffers: its readable
 * buffer (highWaterMark chunks, shared by all inputs) plus, for each open
 * input, the one read of at most 64 KiB that arrived after the buffer filled.
 * When the buffer is full every input is paused; a read resumes them all.
 * Worst case in memory: highWaterMark × 64 KiB + concurrency × 64 KiB.
 *
 * An error on any input destroys the source with an error naming that input
 * and closes every other input, so a FIFO or stdin that never ends cannot
 * keep the process alive.
 */
import { accessSync, closeSync, constants, open, openSync, readSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { EvprocError } from '../errors.js';
import type { InputChunk } from './input-chunk.js';

/** The input name that stands for standard input. */
export const STDIN_NAME = '-';

/** Bytes per read from a file: also the most one paused input holds. */
export const READ_CHUNK_BYTES = 64 * 1024;

/** Inputs read at the same time by default; the others wait for one to end. */
export const DEFAULT_INPUT_CONCURRENCY = 64;

/** Options of InputSource. */
export interface InputSourceOptions {
  /** Stream used for "-". Default process.stdin. */
  stdin?: NodeJS.ReadableStream & { destroy?: () => void };
  /** Readable-side buffer limit, in chunks of up to 64 KiB shared by all inputs. Default 4. */
  highWaterMark?: number;
  /**
   * Inputs read at the same time. 1 reads them one after another (the
   * concatenation of the inputs); larger values interleave chunks in arrival
   * order. Default 64 (DEFAULT_INPUT_CONCURRENCY), which keeps a long file
   * list below the open-file limit.
   */
  concurrency?: number;
  /** Opens one input; default openInput. Tests pass streams that fail on purpose. */
  open?: (input: string) => InputStream;
}

/** A readable input as InputSource uses it. */
export type InputStream = NodeJS.ReadableStream & { destroy?: (error?: Error) => void };

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

/**
 * Checks that no input is named twice. Inputs are read concurrently and each
 * has its own line parser keyed by name, so a repeated name would mix two
 * reads of the same bytes. Throws EvprocError ERR_INPUT_UNREADABLE.
 */
export function checkInputNamesUnique(inputs: readonly string[]): void {
  const seen = new Set<string>();
  const files = new Map<string, string>();
  for (const input of inputs) {
    if (seen.has(input)) {
      throw new EvprocError('ERR_INPUT_UNREADABLE', `input ${displayName(input)} is named twice: each input is read once, so name it once (a copy of the file can be read twice)`);
    }
    seen.add(input);
    if (input === STDIN_NAME) continue;
    // Another spelling, a link or a symlink of the same regular file is the same input too.
    let identity: string;
    try {
      const stats = statSync(input);
      if (!stats.isFile()) continue;
      identity = `${stats.dev}:${stats.ino}`;
    } catch {
      continue;
    }
    const earlier = files.get(identity);
    if (earlier !== undefined) {
      throw new EvprocError('ERR_INPUT_UNREADABLE', `inputs ${earlier} and ${input} are the same file: each input is read once, so name it once (a copy of the file can be read twice)`);
    }
    files.set(identity, input);
  }
}

function unreadable(input: string, err: unknown): EvprocError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
  return new EvprocError('ERR_INPUT_UNREADABLE', `cannot read input ${displayName(input)}: ${why}`, { cause: err });
}

/** Wraps an error raised while reading an input into an EvprocError that names the input. */
export function inputReadError(input: string, err: Error): EvprocError {
  if (err instanceof EvprocError) return err;
  return unreadable(input, err);
}

/**
 * Opens one input for reading: stdin for "-", a FIFO as a non-blocking pipe,
 * any other path as a file stream reading 64 KiB at a time.
 */
export function openInput(input: string, stdin: InputStream = process.stdin): InputStream {
  if (input === STDIN_NAME) return stdin;
  let isFifo = false;
  try {
    isFifo = statSync(input).isFIFO();
  } catch {
    // The read stream reports the error with the input's name.
  }
  return isFifo ? new FifoStream(input) : new FileStream(input);
}

/** Synchronous reads in a row before FileStream yields to the event loop once. */
const READS_BETWEEN_YIELDS = 16;

/**
 * Reads a regular file with synchronous reads of READ_CHUNK_BYTES, one per
 * `_read` call. A file stream's asynchronous reads each take a round trip
 * through the libuv thread pool, and measured on a 2-core machine the
 * pipeline sat idle waiting for them about 10% of the time. Reads from a
 * regular file do not wait for a writer, so they block only for the copy.
 * Every READS_BETWEEN_YIELDS reads, the next read waits for setImmediate,
 * so signals and timers still run while a fast consumer drains the file.
 */
class FileStream extends Readable {
  readonly #path: string;
  #fd = -1;
  #readsSinceYield = 0;

  constructor(path: string) {
    super({ highWaterMark: READ_CHUNK_BYTES });
    this.#path = path;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    try {
      this.#fd = openSync(this.#path, 'r');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _read(): void {
    if (++this.#readsSinceYield >= READS_BETWEEN_YIELDS) {
      this.#readsSinceYield = 0;
      setImmediate(() => this.#readChunk());
      return;
    }
    this.#readChunk();
  }

  #readChunk(): void {
    if (this.destroyed || this.#fd < 0) return;
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let bytes: number;
    try {
      bytes = readSync(this.#fd, buffer, 0, READ_CHUNK_BYTES, null);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    if (bytes === 0) this.push(null);
    else this.push(bytes < READ_CHUNK_BYTES ? buffer.subarray(0, bytes) : buffer);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#fd >= 0) {
      closeSync(this.#fd);
      this.#fd = -1;
    }
    callback(err);
  }
}

/**
 * Reads a FIFO through a libuv pipe handle. A file stream would read it with
 * blocking reads on the thread pool, and a read that waits for a writer
 * keeps the process alive even after the stream is destroyed. Opening waits
 * for a writer, as `cat` does. Destroying the stream while it waits unblocks
 * the open by connecting and closing a writer of our own.
 */
class FifoStream extends Readable {
  readonly #path: string;
  #socket: Socket | undefined;
  #opening = true;

  constructor(path: string) {
    super({ highWaterMark: READ_CHUNK_BYTES });
    this.#path = path;
    open(path, constants.O_RDONLY, (err, fd) => {
      this.#opening = false;
      if (this.destroyed) {
        if (err === null) closeSync(fd);
        return;
      }
      if (err !== null) {
        this.destroy(err);
        return;
      }
      const socket = new Socket({ fd, readable: true, writable: false });
      this.#socket = socket;
      socket.on('data', (data: Buffer) => {
        if (!this.push(data)) socket.pause();
      });
      socket.once('end', () => this.push(null));
      socket.once('error', (error) => this.destroy(error));
    });
  }

  override _read(): void {
    this.#socket?.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#socket !== undefined) {
      this.#socket.destroy();
    } else if (this.#opening) {
      try {
        closeSync(openSync(this.#path, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader is waiting any more, so there is nothing to unblock.
      }
    }
    callback(err);
  }
}

interface OpenInput {
  input: string;
  name: string;
  stream: InputStream;
  onData: (data: Buffer | string) => void;
  onEnd: () => void;
  onError: (err: Error) => void;
}

/**
 * Reads the named inputs ("-" is stdin) and emits InputChunks: the bytes of
 * each input, then `{ input, data: null }` at its end. With no inputs it
 * reads stdin. Up to `concurrency` inputs are read at once and their chunks
 * interleave in arrival order. `stop()` ends the stream early but cleanly,
 * so the stages downstream flush what they hold (used on SIGINT and SIGTERM).
 */
export class InputSource extends Readable {
  readonly #inputs: string[];
  readonly #stdin: InputStream;
  readonly #concurrency: number;
  readonly #open: (input: string) => InputStream;
  readonly #reading = new Set<OpenInput>();
  #nextIndex = 0;
  #started = false;
  #paused = false;
  #stopped = false;

  constructor(inputs: readonly string[], options: InputSourceOptions = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 4 });
    this.#inputs = inputs.length === 0 ? [STDIN_NAME] : [...inputs];
    this.#stdin = options.stdin ?? process.stdin;
    this.#concurrency = options.concurrency ?? DEFAULT_INPUT_CONCURRENCY;
    if (!(this.#concurrency >= 1)) {
      throw new EvprocError('ERR_INVALID_OPTION', `invalid input concurrency ${options.concurrency}: expected at least 1`);
    }
    this.#open = options.open ?? ((input) => openInput(input, this.#stdin));
  }

  /** Stops reading and ends the stream after what was already read. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#releaseAll();
    if (!this.destroyed) this.push(null);
  }

  override _read(): void {
    if (this.#stopped) return;
    if (!this.#started) {
      this.#started = true;
      this.#openMore();
      return;
    }
    if (this.#paused) {
      this.#paused = false;
      for (const reader of this.#reading) reader.stream.resume();
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#stopped = true;
    this.#releaseAll();
    callback(err);
  }

  #openMore(): void {
    while (!this.#stopped && this.#reading.size < this.#concurrency && this.#nextIndex < this.#inputs.length) {
      this.#start(this.#inputs[this.#nextIndex++]!);
    }
    if (this.#reading.size === 0 && this.#nextIndex >= this.#inputs.length && !this.#stopped) this.push(null);
  }

  #start(input: string): void {
    const name = displayName(input);
    let stream: InputStream;
    try {
      stream = this.#open(input);
    } catch (err) {
      this.#fail(input, err as Error);
      return;
    }
    const reader: OpenInput = {
      input,
      name,
      stream,
      onData: (data) => {
        const chunk: InputChunk = { input: name, data: typeof data === 'string' ? Buffer.from(data) : data };
        if (!this.push(chunk) && !this.#paused) {
          this.#paused = true;
          for (const other of this.#reading) other.stream.pause();
        }
      },
      onEnd: () => {
        this.#detach(reader);
        if (this.#stopped) return;
        this.push({ input: name, data: null } satisfies InputChunk);
        this.#openMore();
      },
      onError: (err) => {
        this.#detach(reader);
        this.#fail(input, err);
      },
    };
    this.#reading.add(reader);
    stream.on('data', reader.onData);
    stream.once('end', reader.onEnd);
    stream.once('error', reader.onError);
    if (this.#paused) stream.pause();
    else stream.resume();
  }

  #fail(input: string, err: Error): void {
    this.destroy(inputReadError(input, err));
  }

  #detach(reader: OpenInput): void {
    reader.stream.off('data', reader.onData);
    reader.stream.off('end', reader.onEnd);
    reader.stream.off('error', reader.onError);
    this.#reading.delete(reader);
  }

  /** Stops every open input: files are closed; stdin is paused and destroyed so the process can exit. */
  #releaseAll(): void {
    for (const reader of [...this.#reading]) {
      this.#detach(reader);
      releaseStream(reader.stream);
    }
  }
}

/** Pauses and destroys an input stream, ignoring errors raised while it tears down. */
export function releaseStream(stream: InputStream): void {
  stream.on('error', () => {});
  stream.pause();
  stream.destroy?.();
}

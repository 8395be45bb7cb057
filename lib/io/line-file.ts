import { closeSync, openSync, writeSync } from 'node:fs';
import { EvprocError } from '../errors.js';

/** Bytes gathered before they are written. */
const BUFFER_LIMIT = 64 * 1024;

/**
 * An NDJSON side output (dead letters, late events) written with
 * synchronous writes. Side outputs are rare next to the main output, and
 * writing them synchronously keeps their memory bounded at 64 KiB without a
 * second backpressure path. The file is created or truncated when opened.
 */
export class NdjsonSideFile {
  readonly path: string;
  #fd: number;
  #pending = '';
  #lines = 0;

  constructor(path: string) {
    this.path = path;
    try {
      this.#fd = openSync(path, 'w');
    } catch (err) {
      throw new EvprocError('ERR_OUTPUT_FAILED', `cannot open ${path} for writing: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Number of lines written so far. */
  get lines(): number {
    return this.#lines;
  }

  write(record: unknown): void {
    this.writeLine(JSON.stringify(record));
  }

  writeLine(line: string): void {
    this.#lines++;
    this.#pending += line + '\n';
    if (this.#pending.length >= BUFFER_LIMIT) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0 || this.#fd < 0) return;
    const text = this.#pending;
    this.#pending = '';
    try {
      writeSync(this.#fd, text);
    } catch (err) {
      throw new EvprocError('ERR_OUTPUT_FAILED', `cannot write to ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      this.flush();
    } finally {
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

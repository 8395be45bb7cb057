import { Transform, type TransformCallback } from 'node:stream';
import { linkOperators, type Downstream, type Operator } from './operator.js';

/** Options for the Transform that runs a chain of operators. */
export interface OperatorTransformOptions {
  /** Readable-side buffer limit, in items (objectMode) or bytes. Default: Node's (16 items or 16 KiB). */
  highWaterMark?: number;
  /** Writable-side buffer limit, in items (objectMode) or bytes. Default: Node's (16 items or 16 KiB). */
  writableHighWaterMark?: number;
  /** Whether the writable side takes objects. Default true; false for bytes or text. */
  writableObjectMode?: boolean;
  /** Whether the readable side emits objects. Default true; false for text. */
  readableObjectMode?: boolean;
}

/**
 * Runs a chain of operators as one Transform.
 *
 * Backpressure: each input chunk is processed whole, then the callback is
 * called; Node's Transform does not ask for the next chunk while the
 * readable buffer is at its highWaterMark. Worst case in memory: the
 * highWaterMark plus every item that one input chunk produces (for example
 * all the lines in one 64 KiB read).
 *
 * Errors thrown by an operator reach the transform callback, so
 * `stream.pipeline` destroys the whole pipeline with that error.
 */
export class OperatorTransform extends Transform {
  readonly #head: Downstream<unknown>;

  constructor(operators: ReadonlyArray<Operator<any, any>>, options: OperatorTransformOptions = {}) {
    super({
      writableObjectMode: options.writableObjectMode ?? true,
      readableObjectMode: options.readableObjectMode ?? true,
      ...(options.highWaterMark === undefined ? {} : { readableHighWaterMark: options.highWaterMark }),
      ...(options.writableHighWaterMark === undefined ? {} : { writableHighWaterMark: options.writableHighWaterMark }),
    });
    const tail: Downstream<unknown> = {
      push: (item) => {
        this.push(item);
      },
      drain() {},
      end() {},
    };
    this.#head = linkOperators(operators, tail);
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#head.push(chunk);
      this.#head.drain();
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#head.end();
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback();
  }
}

/** Runs consecutive operators as a single Transform stage. */
export function fuse(operators: ReadonlyArray<Operator<any, any>>, options?: OperatorTransformOptions): OperatorTransform {
  return new OperatorTransform(operators, options);
}

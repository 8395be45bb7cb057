/**
 * `window --threads N`: worker threads parse batches of lines and
 * pre-aggregate them, and this Transform merges their partial windows in
 * input order. It writes the same NDJSON, byte for byte, as the
 * single-threaded parse → window → stringify chain, with the same counters,
 * rejected lines and line numbers.
 *
 * Why the output is identical:
 * - Lateness: the single-threaded watermark at an event is the highest
 *   timestamp before it. Each worker judges lateness against its batch's own
 *   maximum so far; here, before a batch is merged, every aggregate whose
 *   window ended at or before the watermark of all earlier batches is late
 *   as a whole. An event is late in one run exactly when it is late in the
 *   other.
 * - Sums: workers send each numeric value in arrival order, and this stage
 *   adds them to the window sums in that order, so the floating-point
 *   rounding is the same. Counts, min, max and severity counts do not depend
 *   on order.
 * - Order: windows close in order of start, then key, as the watermark
 *   passes their end, so the output is sorted the same way in both runs.
 *
 * Buffers: the batcher (per input up to 1 MiB plus one read and one partial
 * line) and at most 2 batches in flight per worker, with their results.
 * Backpressure: a chunk is accepted only while fewer batches are in flight;
 * otherwise the oldest result is merged first. Worst case in memory: about
 * threads × 2 × (1 MiB + its result) plus the open windows.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { InputChunk } from '../io/input-chunk.js';
import type { NdjsonParserOptions } from '../io/ndjson-parser.js';
import { DEFAULT_MAX_LINE_BYTES } from '../io/ndjson-parser.js';
import { InvalidLineError, type RejectionHandler } from '../io/rejection.js';
import { WindowAggregate } from '../window/window-aggregate.js';
import { compareWindowKeys, type WindowKey } from '../window/window-key.js';
import { ChunkBatcher, type LineBatch } from './chunk-batcher.js';
import { STATS_FIELDS, type PartialWindowOptions } from './partial-window.js';
import type { BatchRequest, BatchResponse } from './window-protocol.js';

/** Batches in flight per worker: one being parsed, one waiting, so a worker never idles on the main thread. */
const IN_FLIGHT_PER_WORKER = 2;

/** Text gathered before it is pushed, in UTF-16 code units; the same as the NDJSON writer's. */
const FLUSH_THRESHOLD = 64 * 1024;

/** Options of ParallelWindowTransform. The object is read once and not kept. */
export interface ParallelWindowOptions {
  /** Worker threads, at least 1. */
  threads: number;
  /** Parser settings; everything but onReject is posted to the workers. */
  parser: Omit<NdjsonParserOptions, 'inputName'>;
  window: PartialWindowOptions;
}

/** Counters of the parallel window stage, the same as parse + window give in a single thread. */
export interface ParallelWindowStats {
  lines: number;
  events: number;
  invalid: number;
  late: number;
  windows: number;
}

interface PendingBatch {
  batch: LineBatch;
  result: Promise<BatchResponse>;
}

type KeyGroup = Map<WindowKey, WindowAggregate>;

export class ParallelWindowTransform extends Transform {
  readonly stats: ParallelWindowStats = { lines: 0, events: 0, invalid: 0, late: 0, windows: 0 };
  readonly #workers: Worker[];
  readonly #batcher: ChunkBatcher;
  readonly #onReject: RejectionHandler | undefined;
  readonly #size: number;
  readonly #lateness: number;
  readonly #keyed: boolean;
  readonly #inFlight: PendingBatch[] = [];
  readonly #waiting = new Map<number, { resolve: (response: BatchResponse) => void; reject: (err: Error) => void }>();
  /** Lines already merged, per input, for absolute line numbers. */
  readonly #lineOffsets = new Map<string, number>();
  readonly #open = new Map<number, KeyGroup>();
  #nextId = 0;
  #nextWorker = 0;
  #maxTimestamp = -Infinity;
  #nextCloseAt = Infinity;
  #pending = '';
  #workerError: Error | undefined;
  #terminating = false;

  constructor(options: ParallelWindowOptions) {
    super({ writableObjectMode: true, readableObjectMode: false });
    const { onReject, ...parser } = options.parser;
    this.#onReject = onReject;
    this.#batcher = new ChunkBatcher(parser.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.#size = options.window.size;
    this.#lateness = options.window.allowedLateness;
    this.#keyed = options.window.keyField !== undefined;
    const workerData = { parser, window: { ...options.window } };
    this.#workers = [];
    for (let i = 0; i < options.threads; i++) {
      const worker = new Worker(new URL('./window-worker.js', import.meta.url), { workerData });
      worker.on('message', (response: BatchResponse) => {
        const waiting = this.#waiting.get(response.id);
        this.#waiting.delete(response.id);
        waiting?.resolve(response);
      });
      worker.on('error', (err) => this.#failWorkers(err));
      worker.on('exit', (code) => {
        if (!this.#terminating && code !== 0) this.#failWorkers(new Error(`window worker thread exited with code ${code}`));
      });
      this.#workers.push(worker);
    }
  }

  override _transform(chunk: InputChunk, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#run(async () => {
      for (const batch of this.#batcher.push(chunk)) await this.#dispatch(batch);
      this.#flushPending();
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.#run(async () => {
      for (const batch of this.#batcher.end()) await this.#dispatch(batch);
      while (this.#inFlight.length > 0) await this.#mergeOldest();
      this.#closeUpTo(Infinity);
      this.#flushPending();
      await this.#terminate();
    }, callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#terminate().then(
      () => callback(err),
      () => callback(err),
    );
  }

  #run(work: () => Promise<void>, callback: TransformCallback): void {
    work().then(
      () => callback(),
      (err: Error) => callback(err),
    );
  }

  async #dispatch(batch: LineBatch): Promise<void> {
    if (this.#workerError !== undefined) throw this.#workerError;
    while (this.#inFlight.length >= this.#workers.length * IN_FLIGHT_PER_WORKER) await this.#mergeOldest();
    const id = this.#nextId++;
    const worker = this.#workers[this.#nextWorker]!;
    this.#nextWorker = (this.#nextWorker + 1) % this.#workers.length;
    const result = new Promise<BatchResponse>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    // The rejection is handled where the result is awaited; a result no longer awaited (after an error) is dropped.
    result.catch(() => {});
    // Transfer the bytes when the buffer owns its memory; a pooled or shared buffer is copied by postMessage.
    const data = batch.data;
    const owns = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const request: BatchRequest = { id, input: batch.input, first: batch.first, last: batch.last, data };
    worker.postMessage(request, owns ? [data.buffer as ArrayBuffer] : []);
    this.#inFlight.push({ batch, result });
  }

  async #mergeOldest(): Promise<void> {
    const pending = this.#inFlight.shift()!;
    const response = await pending.result;
    this.#merge(pending.batch, response);
  }

  #merge(batch: LineBatch, response: BatchResponse): void {
    const offset = this.#lineOffsets.get(batch.input) ?? 0;
    this.stats.lines += response.lines;
    this.stats.events += response.events;
    this.stats.invalid += response.invalid + response.window.invalid;
    this.#mergeWindows(response);
    if (batch.last) this.#lineOffsets.delete(batch.input);
    else this.#lineOffsets.set(batch.input, offset + response.lines);

    let last: { input: string; line: number; reason: string; text: string } | undefined;
    for (const rejection of response.rejections) {
      last = { input: batch.input, line: offset + rejection.line, reason: rejection.reason, text: rejection.text };
      this.#onReject?.(last);
    }
    if (response.failure !== undefined && last !== undefined) {
      this.#flushPending();
      throw new InvalidLineError(last, response.failure.code);
    }
  }

  #mergeWindows(response: BatchResponse): void {
    const { window } = response;
    const size = this.#size;
    const watermark = this.#maxTimestamp - this.#lateness;
    const count = window.starts.length;
    const targets: Array<WindowAggregate | undefined> = new Array(count);
    let late = window.localLate;
    for (let i = 0; i < count; i++) {
      const start = window.starts[i]!;
      const at = i * STATS_FIELDS;
      if (start + size <= watermark) {
        late += window.stats[at]!;
        continue;
      }
      let group = this.#open.get(start);
      if (group === undefined) {
        group = new Map();
        this.#open.set(start, group);
        if (start + size < this.#nextCloseAt) this.#nextCloseAt = start + size;
      }
      const key = window.keys[i]!;
      let aggregate = group.get(key);
      if (aggregate === undefined) {
        aggregate = new WindowAggregate();
        group.set(key, aggregate);
      }
      aggregate.count += window.stats[at]!;
      aggregate.numericCount += window.stats[at + 1]!;
      if (window.stats[at + 2]! < aggregate.min) aggregate.min = window.stats[at + 2]!;
      if (window.stats[at + 3]! > aggregate.max) aggregate.max = window.stats[at + 3]!;
      aggregate.low += window.stats[at + 4]!;
      aggregate.medium += window.stats[at + 5]!;
      aggregate.high += window.stats[at + 6]!;
      aggregate.critical += window.stats[at + 7]!;
      targets[i] = aggregate;
    }
    const { values, valueAggregates } = window;
    for (let j = 0; j < values.length; j++) {
      const target = targets[valueAggregates[j]!];
      if (target !== undefined) target.sum += values[j]!;
    }
    this.stats.late += late;

    if (window.maxTimestamp > this.#maxTimestamp) {
      this.#maxTimestamp = window.maxTimestamp;
      const next = this.#maxTimestamp - this.#lateness;
      if (next >= this.#nextCloseAt) this.#closeUpTo(next);
    }
  }

  /** Emits, in order of start then key, every open window whose end is at or before `watermark`. */
  #closeUpTo(watermark: number): void {
    const size = this.#size;
    const due: number[] = [];
    for (const start of this.#open.keys()) {
      if (start + size <= watermark) due.push(start);
    }
    due.sort((a, b) => a - b);
    for (const start of due) {
      const group = this.#open.get(start)!;
      this.#open.delete(start);
      const keys = [...group.keys()];
      if (keys.length > 1) keys.sort(compareWindowKeys);
      for (const key of keys) {
        this.stats.windows++;
        this.#pending += JSON.stringify(group.get(key)!.toResult(start, start + size, this.#keyed, key)) + '\n';
        if (this.#pending.length >= FLUSH_THRESHOLD) this.#flushPending();
      }
    }
    let next = Infinity;
    for (const start of this.#open.keys()) {
      if (start + size < next) next = start + size;
    }
    this.#nextCloseAt = next;
  }

  #flushPending(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending;
    this.#pending = '';
    this.push(text);
  }

  #failWorkers(err: Error): void {
    this.#workerError ??= err;
    for (const waiting of this.#waiting.values()) waiting.reject(err);
    this.#waiting.clear();
  }

  async #terminate(): Promise<void> {
    this.#terminating = true;
    this.#waiting.clear();
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

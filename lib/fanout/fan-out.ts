/**
 * Fan-out: one stream of items written to several consumers ("branches").
 *
 * The fan-out is a Writable, so it ends a `stream.pipeline`; each branch is
 * a chain of streams run under its own `stream.pipeline`. Each item written
 * to the fan-out is written to the head of every branch still attached.
 *
 * - `shared` mode (lossless): the write callback waits until every branch
 *   head has accepted the item without going over its highWaterMark, so the
 *   slowest branch sets the pace. A branch head never contains more than
 *   its writable highWaterMark, because the fan-out waits for 'drain'
 *   before the next item. The fan-out itself keeps one item in flight.
 * - `independent` mode (lossy per branch): each branch starts with its own
 *   bounded buffer (createBuffer, with a backpressure policy) and its own
 *   stats. With a dropping policy the buffer accepts every item at once and
 *   sheds and counts what a slow branch cannot take, so the other branches
 *   never wait for it. With policy "block" that branch paces the fan-out as
 *   in shared mode. Worst case in memory per branch: the buffer capacity
 *   plus the highWaterMarks of the branch's streams.
 *
 * Errors: an error in a required branch destroys the fan-out with that
 * error, and so the pipeline that feeds it, and every other branch. A branch
 * marked `optional` is detached instead: its streams are destroyed, the
 * error is kept in its stats and emitted as a 'detach' event, and the other
 * branches go on. Writes go on (and are discarded) when every branch is
 * detached.
 */
import { Writable, type Readable, type Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createBuffer, type BackpressurePolicy, type BufferStats } from '../buffer/create-buffer.js';
import { InvalidOptionError } from '../errors.js';

/** Pacing mode of the branches, described in the module comment. */
export type FanOutMode = 'shared' | 'independent';

/** Buffer of one branch in independent mode. */
export interface BranchBufferOptions {
  /** Items the buffer contains before the policy applies. Default 1024. */
  capacity?: number;
  /** Policy applied when the buffer is full. Default "drop-oldest". */
  policy?: BackpressurePolicy;
  /** Fraction of items kept by the "sample" policy, in (0, 1]. */
  rate?: number;
  /** Seed of the "sample" policy, for repeatable runs. */
  seed?: number;
  /** Fill level in [0, 1) above which "sample" sheds; see BufferOptions.sampleAbove. */
  sampleAbove?: number;
}

/** One consumer of a fan-out. */
export interface FanOutBranch {
  /** Name used in stats, 'detach' events and error messages. */
  name: string;
  /** The consumer: a Writable, or a chain of streams whose last one is writable. */
  streams: Writable | ReadonlyArray<Transform | Writable | NodeJS.ReadWriteStream>;
  /** When true, an error in this branch detaches it instead of failing the fan-out. Default false. */
  optional?: boolean;
  /** Buffer of this branch in independent mode; the fan-out's `buffer` option by default. */
  buffer?: BranchBufferOptions;
}

/** Options of createFanOut. The object is read once and not kept. */
export interface FanOutOptions {
  mode: FanOutMode;
  /** Whether items are objects (default true) or bytes and text. */
  objectMode?: boolean;
  /** Default buffer of each branch in independent mode. */
  buffer?: BranchBufferOptions;
}

/** Counters of one branch. */
export interface BranchStats {
  name: string;
  /** Items handed to the branch head (in independent mode, to its buffer). */
  written: number;
  /** The branch's buffer counters, in independent mode. */
  buffer?: BufferStats;
  /** True once the branch was detached after an error. */
  detached: boolean;
  /** The error that detached the branch. */
  error?: Error;
}

/** Counters of a fan-out: one entry per branch, in the order given. */
export interface FanOutStats {
  branches: BranchStats[];
}

interface BranchState {
  name: string;
  optional: boolean;
  head: Writable;
  stats: BranchStats;
  /** Settles when the branch's streams have finished or failed. */
  done: Promise<void>;
  /** Called when the branch can take the next item (drain) or will never need to (detach). */
  onReady: (() => void) | undefined;
}

/** Default capacity of a branch buffer in independent mode, in items. */
export const DEFAULT_BRANCH_CAPACITY = 1024;

/**
 * A Writable that copies each item to every branch; see the module comment
 * for the modes, the memory bound and the error rules. Emits
 * 'detach' (name, error) when an optional branch fails.
 */
export class FanOut extends Writable {
  readonly stats: FanOutStats;
  readonly #branches: BranchState[];

  constructor(branches: readonly FanOutBranch[], options: FanOutOptions) {
    const objectMode = options.objectMode ?? true;
    super({ objectMode, highWaterMark: 1 });
    if (options.mode !== 'shared' && options.mode !== 'independent') {
      throw new InvalidOptionError(`invalid fan-out mode ${JSON.stringify(options.mode)}: expected shared or independent`);
    }
    if (branches.length === 0) throw new InvalidOptionError('a fan-out needs at least one branch');
    const names = new Set<string>();
    for (const branch of branches) {
      if (names.has(branch.name)) throw new InvalidOptionError(`fan-out branch name ${JSON.stringify(branch.name)} is used twice: give each branch its own name`);
      names.add(branch.name);
    }
    this.#branches = branches.map((branch) => this.#startBranch(branch, options));
    this.stats = { branches: this.#branches.map((branch) => branch.stats) };
  }

  #startBranch(branch: FanOutBranch, options: FanOutOptions): BranchState {
    const consumers = Array.isArray(branch.streams) ? [...(branch.streams as ReadonlyArray<NodeJS.WritableStream>)] : [branch.streams as Writable];
    if (consumers.length === 0) throw new InvalidOptionError(`fan-out branch ${JSON.stringify(branch.name)} has no streams`);
    const stats: BranchStats = { name: branch.name, written: 0, detached: false };
    let chain: NodeJS.WritableStream[] = consumers;
    if (options.mode === 'independent') {
      const bufferOptions = { ...options.buffer, ...branch.buffer };
      const buffer = createBuffer({
        capacity: bufferOptions.capacity ?? DEFAULT_BRANCH_CAPACITY,
        policy: bufferOptions.policy ?? 'drop-oldest',
        ...(bufferOptions.rate === undefined ? {} : { rate: bufferOptions.rate }),
        ...(bufferOptions.seed === undefined ? {} : { seed: bufferOptions.seed }),
        ...(bufferOptions.sampleAbove === undefined ? {} : { sampleAbove: bufferOptions.sampleAbove }),
      });
      stats.buffer = buffer.stats;
      chain = [buffer, ...consumers];
    }
    const head = chain[0] as Writable;
    const state: BranchState = {
      name: branch.name,
      optional: branch.optional === true,
      head,
      stats,
      done: Promise.resolve(),
      onReady: undefined,
    };
    const run = chain.length === 1 ? finished(head) : pipeline(chain as unknown as [Readable, Writable]);
    state.done = run.then(
      () => {},
      (err: Error) => this.#onBranchError(state, err),
    );
    head.on('drain', () => this.#ready(state));
    return state;
  }

  #ready(state: BranchState): void {
    const onReady = state.onReady;
    state.onReady = undefined;
    onReady?.();
  }

  #onBranchError(state: BranchState, err: Error): void {
    // After the fan-out is destroyed, branch errors come from its own teardown; the first error already won.
    if (state.stats.detached || this.destroyed) return;
    if (!state.optional) {
      this.destroy(err);
      return;
    }
    state.stats.detached = true;
    state.stats.error = err;
    state.head.destroy();
    this.#ready(state);
    this.emit('detach', state.name, err);
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let waiting = 0;
    let settled = false;
    const release = (): void => {
      waiting--;
      if (waiting === 0 && !settled) {
        settled = true;
        callback();
      }
    };
    for (const state of this.#branches) {
      if (state.stats.detached || state.head.destroyed) continue;
      state.stats.written++;
      if (!state.head.write(chunk)) {
        waiting++;
        state.onReady = release;
      }
    }
    if (waiting === 0) {
      settled = true;
      callback();
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    for (const state of this.#branches) {
      if (!state.stats.detached && !state.head.destroyed) state.head.end();
    }
    Promise.all(this.#branches.map((state) => state.done)).then(
      () => callback(this.destroyed ? this.errored : null),
      (err: Error) => callback(err),
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    for (const state of this.#branches) {
      if (!state.head.destroyed) state.head.destroy();
      this.#ready(state);
    }
    callback(err);
  }
}

/** Creates a fan-out Writable over `branches`; see FanOut. */
export function createFanOut(branches: readonly FanOutBranch[], options: FanOutOptions): FanOut {
  return new FanOut(branches, options);
}

/**
 * Pipes `source` into a new fan-out and resolves with the branch stats when
 * every branch has finished. It rejects with the first error of the source
 * or of a required branch.
 */
export async function fanOut(source: Readable, branches: readonly FanOutBranch[], options: FanOutOptions): Promise<FanOutStats> {
  const fan = createFanOut(branches, options);
  await pipeline(source, fan);
  return fan.stats;
}

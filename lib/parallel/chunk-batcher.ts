import type { InputChunk } from '../io/input-chunk.js';

/** Bytes gathered per batch before it is handed to a worker. */
export const BATCH_BYTES = 1024 * 1024;

/** A run of whole lines of one input, in input order. */
export interface LineBatch {
  input: string;
  /** True for the first batch of an input: only there is a leading byte order mark skipped. */
  first: boolean;
  /** True for the last batch of an input, which may end without a line end. */
  last: boolean;
  data: Buffer;
}

interface InputState {
  parts: Buffer[];
  bytes: number;
  /** Bytes at the end of `parts` after the last "\n": the line still being read. */
  tailBytes: number;
  sentFirst: boolean;
  /** True while skipping the rest of a line that passed the length limit. */
  discarding: boolean;
}

/**
 * Cuts InputChunks into batches of whole lines, so each batch can be parsed
 * on its own. A batch never mixes inputs, and a chunk of another input
 * first sends what the previous input gathered, so batches keep the arrival
 * order of the chunks.
 *
 * Memory: per input at most BATCH_BYTES plus one read plus one partial
 * line. A partial line is bounded too. Once it is longer than
 * maxLineBytes + 1 bytes it can only be rejected as too long, so only its
 * first maxLineBytes + 2 bytes are kept and the rest is dropped. That prefix
 * is enough for the parser to reject it with the same message and line
 * number.
 */
export class ChunkBatcher {
  readonly #maxLineBytes: number;
  readonly #inputs = new Map<string, InputState>();
  #current: string | undefined;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Adds one chunk and returns the batches that are ready, in order. */
  push(chunk: InputChunk): LineBatch[] {
    const ready: LineBatch[] = [];
    if (this.#current !== undefined && this.#current !== chunk.input) this.#sendWholeLines(this.#current, ready);
    this.#current = chunk.input;
    let state = this.#inputs.get(chunk.input);
    if (state === undefined) {
      state = { parts: [], bytes: 0, tailBytes: 0, sentFirst: false, discarding: false };
      this.#inputs.set(chunk.input, state);
    }
    if (chunk.data === null) {
      this.#sendAll(chunk.input, state, ready);
      this.#inputs.delete(chunk.input);
      this.#current = undefined;
      return ready;
    }

    let data = chunk.data;
    if (state.discarding) {
      const newline = data.indexOf(10);
      if (newline === -1) return ready;
      state.discarding = false;
      data = data.subarray(newline + 1);
    }
    if (data.length === 0) return ready;
    state.parts.push(data);
    state.bytes += data.length;
    const lastNewline = data.lastIndexOf(10);
    state.tailBytes = lastNewline === -1 ? state.tailBytes + data.length : data.length - lastNewline - 1;

    if (state.tailBytes > this.#maxLineBytes + 1) this.#truncateTail(state);
    if (state.bytes - state.tailBytes >= BATCH_BYTES) this.#sendWholeLines(chunk.input, ready);
    return ready;
  }

  /**
   * Ends every input still open. Such an input got no end marker, so the
   * source was stopped (by a signal) in the middle of it: its partial last
   * line is dropped rather than parsed as if it were complete.
   */
  end(): LineBatch[] {
    const ready: LineBatch[] = [];
    for (const [input, state] of this.#inputs) {
      if (state.tailBytes > 0) {
        const whole = Buffer.concat(state.parts, state.bytes);
        state.parts = [whole.subarray(0, state.bytes - state.tailBytes)];
        state.bytes -= state.tailBytes;
        state.tailBytes = 0;
      }
      this.#sendAll(input, state, ready);
    }
    this.#inputs.clear();
    this.#current = undefined;
    return ready;
  }

  /** Keeps the first maxLineBytes + 2 bytes of the over-long tail, ends it with "\n" and drops the rest of that line. */
  #truncateTail(state: InputState): void {
    const whole = Buffer.concat(state.parts, state.bytes);
    const tailStart = state.bytes - state.tailBytes;
    const kept = whole.subarray(0, tailStart + this.#maxLineBytes + 2);
    state.parts = [kept, Buffer.from('\n')];
    state.bytes = kept.length + 1;
    state.tailBytes = 0;
    state.discarding = true;
  }

  #sendWholeLines(input: string, ready: LineBatch[]): void {
    const state = this.#inputs.get(input);
    if (state === undefined || state.bytes - state.tailBytes === 0) return;
    const whole = Buffer.concat(state.parts, state.bytes);
    const cut = state.bytes - state.tailBytes;
    ready.push({ input, first: !state.sentFirst, last: false, data: whole.subarray(0, cut) });
    state.sentFirst = true;
    state.parts = state.tailBytes === 0 ? [] : [whole.subarray(cut)];
    state.bytes = state.tailBytes;
  }

  #sendAll(input: string, state: InputState, ready: LineBatch[]): void {
    ready.push({ input, first: !state.sentFirst, last: true, data: Buffer.concat(state.parts, state.bytes) });
    state.parts = [];
    state.bytes = 0;
    state.tailBytes = 0;
    state.sentFirst = true;
  }
}

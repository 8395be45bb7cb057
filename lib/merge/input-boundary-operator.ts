import { Operator } from '../core/operator.js';
import type { InputChunk } from '../io/input-chunk.js';

/** A stage that keeps state per input, such as a window with one watermark per input. */
export interface InputAwareStage {
  /** Makes the following events count for `input`. */
  selectInput(input: string): void;
  /** Marks `input` as ended. */
  endInput(input: string): void;
}

/**
 * Passes InputChunks on unchanged and notifies `stage` which input the events
 * parsed from each chunk come from, and when that input ends. Place it
 * before MultiInputParseOperator: the parser emits a chunk's events
 * synchronously, so they all arrive while that chunk's input is selected.
 */
export class InputBoundaryOperator extends Operator<InputChunk, InputChunk> {
  readonly #stage: InputAwareStage;

  constructor(stage: InputAwareStage) {
    super();
    this.#stage = stage;
  }

  push(chunk: InputChunk): void {
    this.#stage.selectInput(chunk.input);
    this.next.push(chunk);
    if (chunk.data === null) this.#stage.endInput(chunk.input);
  }
}

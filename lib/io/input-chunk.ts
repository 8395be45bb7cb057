/**
 * A piece of one named input, as produced by InputSource. `data: null` marks
 * the end of that input, so a last line without a line end is parsed before
 * the next input starts.
 */
export interface InputChunk {
  input: string;
  data: Buffer | null;
}

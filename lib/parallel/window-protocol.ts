import type { PartialWindowResult } from './partial-window.js';

/** A batch of whole lines sent to a window worker. */
export interface BatchRequest {
  id: number;
  input: string;
  first: boolean;
  last: boolean;
  data: Uint8Array;
}

/** A worker's response to one BatchRequest. Line numbers count from 1 within the batch. */
export interface BatchResponse {
  id: number;
  lines: number;
  events: number;
  invalid: number;
  rejections: Array<{ line: number; reason: string; text: string; tooLong: boolean }>;
  /** Set when the parser stopped at its last rejection (--on-error fail). */
  failure?: { code: 'ERR_INVALID_LINE' | 'ERR_LINE_TOO_LONG' };
  window: PartialWindowResult;
}

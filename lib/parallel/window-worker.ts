/**
 * Worker thread of `window --threads`: parses batches of whole NDJSON lines
 * and aggregates them into partial windows (see partial-window.ts). It keeps
 * one batch at a time and sends one response per request, in the order of
 * the requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidLineError, type Rejection } from '../io/rejection.js';
import { NdjsonLineParser, type NdjsonParserOptions } from '../io/ndjson-parser.js';
import { PartialWindowAggregator, type PartialWindowOptions } from './partial-window.js';
import type { BatchRequest, BatchResponse } from './window-protocol.js';

const { parser: parserOptions, window: windowOptions } = workerData as { parser: Omit<NdjsonParserOptions, 'inputName' | 'onReject'>; window: PartialWindowOptions };

function processBatch(request: BatchRequest): BatchResponse {
  const rejections: Array<Omit<Rejection, 'input'> & { tooLong: boolean }> = [];
  const aggregator = new PartialWindowAggregator(windowOptions);
  const parser = new NdjsonLineParser(
    { ...parserOptions, inputName: request.input, onReject: (rejection) => rejections.push({ line: rejection.line, reason: rejection.reason, text: rejection.text, tooLong: false }) },
    (event) => aggregator.add(event),
  );
  // A batch after the first one continues its input, where a leading U+FEFF is data, not a byte order
  // mark. The parser skips a mark only in its first text, so a blank line goes first; it counts as one line.
  const lineShift = request.first ? 0 : 1;
  if (!request.first) parser.write('\n');
  let failure: BatchResponse['failure'];
  try {
    parser.write(Buffer.from(request.data.buffer, request.data.byteOffset, request.data.byteLength));
    if (request.last) parser.finish();
  } catch (err) {
    if (!(err instanceof InvalidLineError)) throw err;
    failure = { code: err.code as 'ERR_INVALID_LINE' | 'ERR_LINE_TOO_LONG' };
    rejections[rejections.length - 1]!.tooLong = err.code === 'ERR_LINE_TOO_LONG';
  }
  for (const rejection of rejections) rejection.line -= lineShift;
  return {
    id: request.id,
    lines: parser.stats.lines - lineShift,
    events: parser.stats.events,
    invalid: parser.stats.invalid,
    rejections,
    ...(failure === undefined ? {} : { failure }),
    window: aggregator.result(),
  };
}

parentPort!.on('message', (request: BatchRequest) => {
  const response = processBatch(request);
  const { window } = response;
  parentPort!.postMessage(response, [window.starts.buffer, window.stats.buffer, window.values.buffer, window.valueAggregates.buffer] as ArrayBuffer[]);
});

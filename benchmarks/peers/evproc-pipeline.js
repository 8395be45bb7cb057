// evproc as a library: parse → normalize → filter → window → stringify,
// fused into one Transform between a file stream and stdout.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { FilterOperator, fuse, NdjsonParseOperator, NdjsonStringifyOperator, NormalizeOperator, TumblingWindowOperator } from '../../dist/index.js';
import { parseWindowArgs } from './window-state.js';

const options = parseWindowArgs(process.argv.slice(2));
const stage = fuse(
  [
    new NdjsonParseOperator({ inputName: options.file }),
    new NormalizeOperator({ min: 0, max: 100, inPlace: true }),
    new FilterOperator({ where: 'severity != "Low"' }),
    new TumblingWindowOperator({ size: options.size, ...(options.keyField === undefined ? {} : { keyField: options.keyField }) }),
    new NdjsonStringifyOperator(),
  ],
  { writableObjectMode: false, readableObjectMode: false },
);
await pipeline(createReadStream(options.file, { highWaterMark: 64 * 1024 }), stage, process.stdout);

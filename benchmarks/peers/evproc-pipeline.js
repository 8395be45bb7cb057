// evproc as a library: parse → normalize → filter → window → stringify,
// fused into one Transform between evproc's file reader and stdout.
import { pipeline } from 'node:stream/promises';
import { FilterOperator, fuse, NdjsonParseOperator, openInput, NdjsonStringifyOperator, NormalizeOperator, TumblingWindowOperator } from '../../dist/index.js';
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
// openInput reads a regular file with synchronous reads, as the CLI does.
await pipeline(openInput(options.file), stage, process.stdout);

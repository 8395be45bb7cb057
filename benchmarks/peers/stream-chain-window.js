// Peer: stream-chain 3 with its JSONL parser and a function stage.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import chainModule from 'stream-chain';
import jsonlParserModule from 'stream-chain/jsonl/parserStream.js';
import { parseWindowArgs, WindowState } from './window-state.js';

const chain = chainModule.default ?? chainModule;
const parser = jsonlParserModule.default ?? jsonlParserModule;
const options = parseWindowArgs(process.argv.slice(2));
let pending = [];
const state = new WindowState(options.size, options.keyField, (text) => pending.push(text));
const stages = chain([
  parser(),
  (item) => {
    state.add(item.value);
    if (pending.length === 0) return chain.none;
    const out = pending;
    pending = [];
    return chain.many(out);
  },
]);
stages.on('finish', () => {});
await pipeline(
  createReadStream(options.file),
  stages,
  async function* (source) {
    for await (const text of source) yield text;
    state.end();
    for (const text of pending) yield text;
  },
  process.stdout,
);

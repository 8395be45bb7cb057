// Peer: the idiomatic Node streams pipeline, split2 + JSON.parse, then an
// objectMode Transform per step.
import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';
import { parseWindowArgs, WindowState } from './window-state.js';

const options = parseWindowArgs(process.argv.slice(2));
const window = new Transform({
  objectMode: true,
  transform(event, _encoding, callback) {
    this.state ??= new WindowState(options.size, options.keyField, (text) => this.push(text));
    this.state.add(event);
    callback();
  },
  flush(callback) {
    this.state?.end();
    callback();
  },
});
await pipeline(createReadStream(options.file), split2(JSON.parse), window, process.stdout);

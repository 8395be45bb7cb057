// Baseline: the hand-written loop. Reads the file in 64 KiB blocks, splits
// lines, JSON.parse per line and keeps the windows in a Map. No streams.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseWindowArgs, WindowState } from './window-state.js';

const options = parseWindowArgs(process.argv.slice(2));
// Output is gathered and written in blocks of 64 Ki characters, as evproc does.
let output = '';
const state = new WindowState(options.size, options.keyField, (text) => {
  output += text;
  if (output.length >= 65536) {
    writeSync(1, output);
    output = '';
  }
});
const fd = openSync(options.file, 'r');
const buffer = Buffer.allocUnsafe(64 * 1024);
const decoder = new StringDecoder('utf8');
let carry = '';
for (;;) {
  const bytes = readSync(fd, buffer, 0, buffer.length, null);
  if (bytes === 0) break;
  const text = carry + decoder.write(buffer.subarray(0, bytes));
  let start = 0;
  let newline = text.indexOf('\n');
  while (newline !== -1) {
    if (newline > start) state.add(JSON.parse(text.slice(start, newline)));
    start = newline + 1;
    newline = text.indexOf('\n', start);
  }
  carry = text.slice(start);
}
closeSync(fd);
if (carry.trim().length > 0) state.add(JSON.parse(carry));
state.end();
if (output.length > 0) writeSync(1, output);

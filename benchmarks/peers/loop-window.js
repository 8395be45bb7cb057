// Baseline: the hand-written loop. Reads the file in 64 KiB blocks, splits
// lines, JSON.parse per line and keeps the windows in a Map. No streams.
import { writeSync } from 'node:fs';
import { readLines } from './read-lines.js';
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
readLines(options.file, (line) => state.add(JSON.parse(line)));
state.end();
if (output.length > 0) writeSync(1, output);

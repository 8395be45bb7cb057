// Baseline for the 5-stage pipeline: the hand-written loop with
// normalization and the filter written inline (drop events whose
// normalized value is below 0.3, the Low severity).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseWindowArgs, WindowState } from './window-state.js';

const options = parseWindowArgs(process.argv.slice(2));
let output = '';
const state = new WindowState(options.size, options.keyField, (text) => {
  output += text;
  if (output.length >= 65536) {
    writeSync(1, output);
    output = '';
  }
});

function handle(event) {
  const value = event.value;
  if (typeof value !== 'number') return;
  const normalized = value <= 0 ? 0 : value >= 100 ? 1 : value / 100;
  event.normalized_value = normalized;
  event.severity = normalized < 0.3 ? 'Low' : normalized < 0.6 ? 'Medium' : normalized < 0.9 ? 'High' : 'Critical';
  if (event.severity !== 'Low') state.add(event);
}

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
    if (newline > start) handle(JSON.parse(text.slice(start, newline)));
    start = newline + 1;
    newline = text.indexOf('\n', start);
  }
  carry = text.slice(start);
}
closeSync(fd);
if (carry.trim().length > 0) handle(JSON.parse(carry));
state.end();
if (output.length > 0) writeSync(1, output);

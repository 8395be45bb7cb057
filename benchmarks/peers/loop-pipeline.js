// Baseline for the 5-stage pipeline: the hand-written loop with
// normalization and the filter written inline (drop events whose
// normalized value is below 0.3, the Low severity).
import { writeSync } from 'node:fs';
import { readLines } from './read-lines.js';
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

readLines(options.file, (line) => handle(JSON.parse(line)));
state.end();
if (output.length > 0) writeSync(1, output);

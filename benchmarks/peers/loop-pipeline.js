// Baseline for the 5-stage pipeline: the hand-written loop with
// normalization and the filter written inline (drop events whose
// normalized value is below 0.3, the Low severity).
import { writeSync } from 'node:fs';
import { readLines } from './read-lines.js';
import { normalize, parseWindowArgs, SEVERITY_NAMES, severityIndex, WindowState } from './window-state.js';

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
  const normalized = normalize(value);
  event.normalized_value = normalized;
  event.severity = SEVERITY_NAMES[severityIndex(normalized)];
  if (event.severity !== 'Low') state.add(event);
}

readLines(options.file, (line) => handle(JSON.parse(line)));
state.end();
if (output.length > 0) writeSync(1, output);

#!/usr/bin/env node
// Scores `evproc anomalies` against the labelled sensor data and prints
// markdown tables of precision, recall and F1 per baseline mode, value field
// and window length. Windows are keyed by source (one baseline per mote).
// A (mote, window) pair is positive when any reading in it has label 1.
// The windows still open when the data ends are not scored (column
// "unscored"); a positive one among them would count as a false negative.
//
//   npm run build && node scripts/anomaly-eval.mjs [data/wsn-single-hop.ndjson.gz]
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { evaluateAgainstLabels } from '../dist/anomaly/label-evaluation.js';

const file = process.argv[2] ?? new URL('../data/wsn-single-hop.ndjson.gz', import.meta.url);
const events = gunzipSync(readFileSync(file))
  .toString('utf8')
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line));

const SIZES = [
  ['30s', 30_000],
  ['1m', 60_000],
  ['2m', 120_000],
];
const fixed = (x) => x.toFixed(3);

console.log(`${events.length} events from ${typeof file === 'string' ? file : file.pathname}\n`);
console.log('| --ms | --value-field | --baseline | windows | unscored | positive | in alert | TP | FP | FN | precision | recall | F1 | alerts (on labelled windows) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [label, size] of SIZES) {
  for (const valueField of ['value', 'humidity']) {
    for (const baseline of ['first', 'adaptive']) {
      const r = evaluateAgainstLabels(events, { size, keyField: 'source', valueField, baseline });
      console.log(
        `| ${label} | ${valueField} | ${baseline} | ${r.windows} | ${r.unscored} | ${r.positives} | ${r.predicted} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} | ${fixed(r.precision)} | ${fixed(r.recall)} | ${fixed(r.f1)} | ${r.alerts} (${r.alertsOnLabelled}) |`,
      );
    }
  }
}

// Sensitivity of the adaptive F1 to each option around the defaults, at 1m.
console.log('\nAdaptive F1 at --ms 1m when one option moves away from its default (value / humidity):\n');
const variations = [
  ['defaults', {}],
  ['--threshold 3', { threshold: 3 }],
  ['--threshold 5', { threshold: 5 }],
  ['--alpha 0.05', { alpha: 0.05 }],
  ['--alpha 0.2', { alpha: 0.2 }],
  ['--min-relative-deviation 0', { minRelativeDeviation: 0 }],
  ['--min-relative-deviation 0.01', { minRelativeDeviation: 0.01 }],
  ['--alert-alpha-factor 0.1', { alertAlphaFactor: 0.1 }],
  ['--alert-alpha-factor 1', { alertAlphaFactor: 1 }],
  ['--warmup 30', { warmup: 30 }],
  ['--rearm 1', { rearm: 1 }],
  ['--rearm 10', { rearm: 10 }],
  ['--min-deviation 0', { minDeviation: 0 }],
];
console.log('| options | F1 value | F1 humidity |');
console.log('|---|---|---|');
for (const [name, options] of variations) {
  const f1 = ['value', 'humidity'].map((valueField) => fixed(evaluateAgainstLabels(events, { size: 60_000, keyField: 'source', valueField, baseline: 'adaptive', ...options }).f1));
  console.log(`| ${name} | ${f1[0]} | ${f1[1]} |`);
}

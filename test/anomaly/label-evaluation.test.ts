import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { evaluateAgainstLabels } from '../../lib/anomaly/label-evaluation.js';
import type { Event } from '../../lib/event/event.js';

const DATA = new URL('../../data/wsn-single-hop.ndjson.gz', import.meta.url);

function loadEvents(): Event[] {
  return gunzipSync(readFileSync(DATA))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Event);
}

t.test('scoring counts windows per key', async (t) => {
  // Key a: windows 0..11 at value 10, one labelled window at 100. Key b: steady, never labelled.
  // The input ends in minute 13, so the windows of minute 13 are not scored.
  const events: Event[] = [];
  for (let minute = 0; minute < 14; minute++) {
    const spike = minute === 12;
    events.push({ timestamp: minute * 60_000, source: 'a', value: spike ? 100 : 10, label: spike ? 1 : 0 });
    events.push({ timestamp: minute * 60_000 + 1, source: 'b', value: 10, label: 0 });
  }
  const adaptive = evaluateAgainstLabels(events, { size: 60_000, keyField: 'source', baseline: 'adaptive', warmup: 5 });
  t.equal(adaptive.windows, 28);
  t.equal(adaptive.unscored, 2);
  t.equal(adaptive.positives, 1);
  t.equal(adaptive.truePositives, 1);
  t.equal(adaptive.falsePositives, 0);
  t.equal(adaptive.falseNegatives, 0);
  t.equal(adaptive.f1, 1);
  t.equal(adaptive.alertsOnLabelled, 1);

  const first = evaluateAgainstLabels(events, { size: 60_000, keyField: 'source', baseline: 'first' });
  t.equal(first.predicted, 1);
  t.equal(first.precision, 1);
  t.equal(first.recall, 1);
});

// Window-level scores measured with scripts/anomaly-eval.mjs at the defaults (docs/anomalies.md).
// The test fails when a change makes the detectors score below these figures.
const MEASURED = [
  { ms: 60_000, valueField: 'value', baseline: 'first', precision: 0, recall: 0, f1: 0 },
  { ms: 60_000, valueField: 'value', baseline: 'adaptive', precision: 1, recall: 0.357, f1: 0.526 },
  { ms: 60_000, valueField: 'humidity', baseline: 'first', precision: 0.065, recall: 0.5, f1: 0.116 },
  { ms: 60_000, valueField: 'humidity', baseline: 'adaptive', precision: 0.765, recall: 0.929, f1: 0.839 },
  { ms: 30_000, valueField: 'humidity', baseline: 'adaptive', precision: 0.839, recall: 1, f1: 0.912 },
  { ms: 120_000, valueField: 'value', baseline: 'adaptive', precision: 0.6, recall: 0.375, f1: 0.462 },
  { ms: 120_000, valueField: 'humidity', baseline: 'adaptive', precision: 0.615, recall: 1, f1: 0.762 },
] as const;

t.test('labelled sensor data scores', async (t) => {
  const events = loadEvents();
  t.equal(events.length, 18_914);
  t.equal(events.filter((event) => event.label === 1).length, 149);

  for (const expected of MEASURED) {
    const name = `--ms ${expected.ms} --value-field ${expected.valueField} --baseline ${expected.baseline}`;
    const result = evaluateAgainstLabels(events, { size: expected.ms, keyField: 'source', valueField: expected.valueField, baseline: expected.baseline });
    t.ok(result.precision >= expected.precision - 0.0005, `${name}: precision ${result.precision.toFixed(3)} >= ${expected.precision}`);
    t.ok(result.recall >= expected.recall - 0.0005, `${name}: recall ${result.recall.toFixed(3)} >= ${expected.recall}`);
    t.ok(result.f1 >= expected.f1 - 0.0005, `${name}: F1 ${result.f1.toFixed(3)} >= ${expected.f1}`);
  }

  for (const ms of [30_000, 60_000, 120_000]) {
    for (const valueField of ['value', 'humidity']) {
      const first = evaluateAgainstLabels(events, { size: ms, keyField: 'source', valueField, baseline: 'first' });
      const adaptive = evaluateAgainstLabels(events, { size: ms, keyField: 'source', valueField, baseline: 'adaptive' });
      t.ok(adaptive.f1 > first.f1, `--ms ${ms} ${valueField}: adaptive F1 ${adaptive.f1.toFixed(3)} beats first ${first.f1.toFixed(3)}`);
      if (valueField === 'humidity') t.equal(adaptive.alertsOnLabelled, 2, `--ms ${ms} humidity: each heated mote raises one alert`);
    }
  }
});

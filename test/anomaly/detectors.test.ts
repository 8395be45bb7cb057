import t from 'tap';
import { AdaptiveBaseline } from '../../lib/anomaly/adaptive-baseline.js';
import { FirstWindowRule } from '../../lib/anomaly/first-window-rule.js';
import { WindowAnomalyOperator } from '../../lib/anomaly/window-anomaly.js';
import { TumblingWindowOperator } from '../../lib/window/tumbling-window.js';
import type { WindowResult } from '../../lib/window/window-aggregate.js';
import type { AnomalyAlert } from '../../lib/anomaly/anomaly-alert.js';

/** Builds a keyed one-minute window result with `count` events averaging `avg`. */
function windowOf(index: number, count: number, avg: number | null, key: unknown = 'a'): WindowResult {
  return {
    window_start: index * 60_000,
    window_end: (index + 1) * 60_000,
    key,
    event_count: count,
    sum_value: avg === null ? 0 : avg * count,
    avg_value: avg,
    min_value: avg,
    max_value: avg,
    severity_counts: { Low: 0, Medium: 0, High: 0, Critical: 0 },
  };
}

t.test('first rule alerts on count and average', async (t) => {
  const rule = new FirstWindowRule();
  t.same(rule.observe(windowOf(0, 10, 20)), { inAlert: false }, 'the first window is the baseline');
  t.same(rule.observe(windowOf(1, 20, 30)), { inAlert: false }, 'exactly 2 × count and 1.5 × average do not alert');

  const byCount = rule.observe(windowOf(2, 21, 20)).alert!;
  t.equal(byCount.rule, 'count>2x-first');
  t.same(byCount.rules, ['count>2x-first']);
  t.equal(byCount.severity, 'High');
  t.same(byCount.baseline, { count: 10, avg: 20 });
  t.same(byCount.scores, { count_ratio: 2.1, avg_ratio: 1 });
  t.equal(byCount.timestamp, 180_000);
  t.equal(byCount.source, 'a');
  t.same(byCount.window, { start: 120_000, end: 180_000, key: 'a', count: 21, avg: 20, min: 20, max: 20 });
  t.equal(byCount.message, 'a, window 1970-01-01T00:02:00.000Z: event count 21 exceeds 2 × the first window\'s 10');

  const both = rule.observe(windowOf(3, 25, 100)).alert!;
  t.same(both.rules, ['avg>1.5x-first', 'count>2x-first'], 'the rule furthest past its limit comes first');
  t.equal(both.severity, 'Critical');

  t.same(rule.observe(windowOf(4, 10, 20, 'b')), { inAlert: false }, 'another key has its own baseline');
  t.equal(rule.keyCount, 2);
});

t.test('first rule waits for a numeric average', async (t) => {
  const rule = new FirstWindowRule();
  rule.observe(windowOf(0, 5, null));
  t.same(rule.observe(windowOf(1, 5, 10)), { inAlert: false }, 'this average becomes the baseline');
  t.equal(rule.observe(windowOf(2, 5, 16)).alert?.rule, 'avg>1.5x-first');
});

t.test('adaptive baseline warms up before alerting', async (t) => {
  const detector = new AdaptiveBaseline({ warmup: 3, threshold: 3 });
  t.same(detector.observe(windowOf(0, 10, 50)), { inAlert: false });
  t.same(detector.observe(windowOf(1, 10, 500)), { inAlert: false }, 'no alert during warm-up');
});

t.test('adaptive baseline alerts once per episode', async (t) => {
  // A noisy steady series: average 50 ± 0.5, below the deviation floor of 2 % of 50 = 1.
  const noisy = new AdaptiveBaseline({ warmup: 10, threshold: 4, alpha: 0.1 });
  let noisyInAlert = 0;
  for (let i = 0; i < 200; i++) if (noisy.observe(windowOf(i, 10, i % 2 === 0 ? 49.5 : 50.5)).inAlert) noisyInAlert++;
  t.equal(noisyInAlert, 0, 'a steady series never alerts');

  // A constant series: mean 50, deviation 0, so the floor 1 is the deviation used.
  const detector = new AdaptiveBaseline({ warmup: 10, threshold: 4, alpha: 0.1 });
  let index = 0;
  for (let i = 0; i < 20; i++) detector.observe(windowOf(index++, 10, 50));

  const spike = detector.observe(windowOf(index++, 10, 60));
  t.ok(spike.inAlert);
  t.equal(spike.alert?.rule, 'avg-zscore');
  t.equal(spike.alert?.scores.avg_z, 10);
  t.equal(spike.alert?.scores.count_z, 0);
  t.equal(spike.alert?.severity, 'Critical');
  t.same(spike.alert?.baseline, { avg_mean: 50, avg_deviation: 0, count_mean: 10, count_deviation: 0, windows: 20 });

  // Still high, then half-way down (z = 2.5, above the exit threshold 2): in alert, no new alert.
  const stillHigh = detector.observe(windowOf(index++, 10, 58));
  t.same(stillHigh, { inAlert: true });
  const halfway = detector.observe(windowOf(index++, 10, 52.5));
  t.same(halfway, { inAlert: true });
  const back = detector.observe(windowOf(index++, 10, 50));
  t.same(back, { inAlert: false }, 'leaves alert below the exit threshold');
  // Two more quiet windows re-arm the key (--rearm 3 counts the window that left alert).
  detector.observe(windowOf(index++, 10, 50));
  detector.observe(windowOf(index++, 10, 50));

  const again = detector.observe(windowOf(index++, 10, 60));
  t.equal(again.alert?.scores.avg_z, 10, 'the frozen baseline did not learn from the anomaly');
});

t.test('adaptive baseline scores counts', async (t) => {
  const detector = new AdaptiveBaseline({ warmup: 5 });
  for (let i = 0; i < 5; i++) detector.observe(windowOf(i, 100, 1));
  // Count deviation floor: √100 = 10; z = (150 - 100) / 10 = 5.
  const burst = detector.observe(windowOf(5, 150, 1));
  t.equal(burst.alert?.rule, 'count-zscore');
  t.equal(burst.alert?.scores.count_z, 5);
  t.equal(burst.alert?.severity, 'Medium');
  t.match(burst.alert?.message, /event count 150 is 5\.0 deviations above the moving count 100/);
});

t.test('adaptive baseline learns slowly in alert', async (t) => {
  const frozen = new AdaptiveBaseline({ warmup: 5 });
  const learning = new AdaptiveBaseline({ warmup: 5, alertAlphaFactor: 1 });
  for (const detector of [frozen, learning]) for (let i = 0; i < 5; i++) detector.observe(windowOf(i, 10, 100));
  let frozenInAlert = 0;
  let learningInAlert = 0;
  // A lasting level shift from 100 to 120.
  for (let i = 5; i < 60; i++) {
    if (frozen.observe(windowOf(i, 10, 120)).inAlert) frozenInAlert++;
    if (learning.observe(windowOf(i, 10, 120)).inAlert) learningInAlert++;
  }
  t.equal(frozenInAlert, 55, 'a frozen baseline stays in alert through a level shift');
  t.ok(learningInAlert < 55, `a learning baseline leaves alert (${learningInAlert} windows)`);
});

t.test('adaptive options are validated', async (t) => {
  t.throws(() => new AdaptiveBaseline({ alpha: 0 }), { code: 'ERR_INVALID_OPTION', message: /invalid alpha 0/ });
  t.throws(() => new AdaptiveBaseline({ threshold: 3, exitThreshold: 4 }), { message: /invalid exit threshold 4/ });
  t.throws(() => new AdaptiveBaseline({ warmup: 0 }), { message: /invalid warm-up 0/ });
  t.throws(() => new AdaptiveBaseline({ alertAlphaFactor: 2 }), { message: /invalid alert alpha factor 2/ });
  t.throws(() => new WindowAnomalyOperator({ baseline: 'median' as 'first' }), { message: /invalid baseline "median"/ });
});

t.test('operator counts windows and alerts', async (t) => {
  const operator = new WindowAnomalyOperator({ baseline: 'first' });
  const alerts: unknown[] = [];
  operator.next = { push: (alert) => alerts.push(alert), drain() {}, end() {} };
  operator.push(windowOf(0, 1, 1));
  operator.push(windowOf(1, 5, 1));
  operator.push(windowOf(2, 1, 1));
  t.equal(alerts.length, 1);
  t.same(operator.stats, { windows: 3, unscored: 0, alerts: 1, windowsInAlert: 1, keysEvicted: 0 });
});

/** Runs a detector over window averages (10 events each) and returns the indexes of the windows that raised an alert. */
function alertsOver(detector: AdaptiveBaseline, averages: number[]): number[] {
  const raised: number[] = [];
  averages.forEach((avg, index) => {
    if (detector.observe(windowOf(index, 10, avg)).alert !== undefined) raised.push(index);
  });
  return raised;
}

/** A steady signal of 20, 20.1, 20.2, … for `length` windows. */
function steady(length: number): number[] {
  return Array.from({ length }, (_, index) => 20 + (index % 3) * 0.1);
}

t.test('warm-up glitch does not blind the average', async (t) => {
  for (const glitch of [1e6, 1e200]) {
    const averages = steady(60);
    averages[3] = glitch;
    averages[40] = 60;
    const detector = new AdaptiveBaseline();
    t.same(alertsOver(detector, averages), [40], `glitch ${glitch} in warm-up, then a 3× window alerts`);
    const baseline = detector.baselineOf('a')!;
    t.ok(Math.abs(baseline.avgMean! - 20.1) < 0.1, `glitch ${glitch}: moving average ${baseline.avgMean}`);
    t.ok(Number.isFinite(baseline.avgDeviation), `glitch ${glitch}: deviation ${baseline.avgDeviation}`);
  }
});

t.test('learning baseline clips a glitch', async (t) => {
  // The baseline learns in alert (factor 1), so without clipping 1e200 would move the mean to about 1e199.
  const averages = steady(60);
  averages[20] = 1e200;
  averages[40] = 60;
  const detector = new AdaptiveBaseline({ alertAlphaFactor: 1 });
  t.same(alertsOver(detector, averages), [20, 40]);
});

t.test('alert learning weight is alpha times factor', async (t) => {
  const detector = new AdaptiveBaseline({ warmup: 3, alpha: 0.1, alertAlphaFactor: 0.5 });
  for (let i = 0; i < 3; i++) detector.observe(windowOf(i, 10, 100));
  t.equal(detector.baselineOf('a')!.avgMean, 100);

  // z = 10 / 2 (the 2 % floor): alert. The update uses weight 0.05, and x − mean is clipped to 4 deviations (8).
  t.ok(detector.observe(windowOf(3, 10, 110)).alert);
  t.ok(Math.abs(detector.baselineOf('a')!.avgMean! - 100.4) < 1e-9, `mean ${detector.baselineOf('a')!.avgMean} after the alert window`);
  // Still in alert (z ≈ 2.8); weight 0.05 exactly, not 1 / samples (0.2) as in a young baseline.
  t.same(detector.observe(windowOf(4, 10, 106)), { inAlert: true });
  t.ok(Math.abs(detector.baselineOf('a')!.avgMean! - 100.68) < 1e-9, `mean ${detector.baselineOf('a')!.avgMean} after one more window in alert`);
});

t.test('flapping signal alerts once', async (t) => {
  // After warm-up, every other window is a spike of 2×.
  const averages = steady(40).map((avg, index) => (index >= 15 && index % 2 === 1 ? 40 : avg));
  t.same(alertsOver(new AdaptiveBaseline(), averages), [15], 'default --rearm 3');
  t.equal(alertsOver(new AdaptiveBaseline({ rearm: 1 }), averages).length, 13, 'rearm 1 alerts on every spike');

  // Three quiet windows re-arm the key.
  const spaced = steady(40);
  for (const index of [15, 19, 23]) spaced[index] = 40;
  spaced[17] = 40;
  t.same(alertsOver(new AdaptiveBaseline(), spaced), [15, 23], 'a spike after 1 quiet window continues the episode; after 3 it alerts');
  const detector = new AdaptiveBaseline();
  alertsOver(detector, spaced.slice(0, 18));
  t.equal(detector.baselineOf('a')!.phase, 'alert', 'the spike during cooling puts the key back in alert');
});

t.test('flat zero signal keeps finite scores', async (t) => {
  const detector = new AdaptiveBaseline();
  const averages = Array.from({ length: 30 }, (_, index) => (index === 20 ? 0.01 : 0));
  const alerts: AnomalyAlert[] = [];
  averages.forEach((avg, index) => {
    const alert = detector.observe(windowOf(index, 10, avg)).alert;
    if (alert !== undefined) alerts.push(alert);
  });
  t.equal(alerts.length, 1);
  t.equal(alerts[0]!.scores.avg_z, 10, '0.01 over the 0.001 floor');
  t.match(alerts[0]!.message, /average 0\.01 is 10\.0 deviations above the moving average 0/);

  // Floating-point noise around 0.1 (sums of 0.1 over different counts) raises nothing.
  const noisy = new AdaptiveBaseline({ minRelativeDeviation: 0 });
  const noise = Array.from({ length: 40 }, (_, index) => {
    const count = 3 + (index % 7);
    let sum = 0;
    for (let i = 0; i < count; i++) sum += 0.1;
    return sum / count;
  });
  t.same(alertsOver(noisy, noise), []);
});

t.test('alert source keeps the key type', async (t) => {
  const detector = new AdaptiveBaseline({ warmup: 2 });
  const keys = [1, '1', true, 'true', null, 'null'];
  for (const key of keys) {
    detector.observe(windowOf(0, 10, 20, key));
    detector.observe(windowOf(1, 10, 20, key));
  }
  const sources = keys.map((key) => detector.observe(windowOf(2, 10, 60, key)).alert?.source);
  t.same(sources, [1, '1', true, 'true', null, 'null']);
  t.equal(detector.keyCount, 6);
});

t.test('keys beyond the cap are evicted', async (t) => {
  const detector = new AdaptiveBaseline({ maxKeys: 2 });
  detector.observe(windowOf(0, 10, 20, 'a'));
  detector.observe(windowOf(0, 10, 20, 'b'));
  detector.observe(windowOf(1, 10, 20, 'a'));
  detector.observe(windowOf(1, 10, 20, 'c'));
  t.equal(detector.keyCount, 2);
  t.equal(detector.evictedKeys, 1);
  t.equal(detector.baselineOf('b'), undefined, 'the least recently seen key goes');
  t.equal(detector.baselineOf('a')!.windows, 2, 'a recently seen key stays');

  const first = new FirstWindowRule({ maxKeys: 1 });
  first.observe(windowOf(0, 10, 20, 'a'));
  first.observe(windowOf(0, 10, 20, 'b'));
  t.equal(first.keyCount, 1);
  t.equal(first.evictedKeys, 1);
  t.same(first.observe(windowOf(1, 10, 100, 'a')), { inAlert: false }, 'an evicted key starts a new baseline');

  const operator = new WindowAnomalyOperator({ maxKeys: 1 });
  operator.next = { push() {}, drain() {}, end() {} };
  for (const key of ['a', 'b', 'c']) operator.push(windowOf(0, 1, 1, key));
  t.equal(operator.stats.keysEvicted, 2);
});

t.test('windows cut off by the end are unscored', async (t) => {
  // 20 steady one-minute windows of 10 events, then 5 events of the 21st when the input ends.
  const window = new TumblingWindowOperator({ size: 60_000, keyField: 'source' });
  const detector = new WindowAnomalyOperator({ window });
  const alerts: AnomalyAlert[] = [];
  window.next = detector;
  detector.next = { push: (alert) => alerts.push(alert), drain() {}, end() {} };
  for (let minute = 0; minute < 20; minute++) {
    for (let i = 0; i < 10; i++) window.push({ timestamp: minute * 60_000 + i * 6000, source: 's', value: 20 });
  }
  for (let i = 0; i < 5; i++) window.push({ timestamp: 20 * 60_000 + i * 6000, source: 's', value: 20 });
  t.equal(detector.stats.windows, 20);
  window.end();
  t.same(alerts, [], 'the half-full last window raises no count alert');
  t.equal(detector.stats.windows, 21);
  t.equal(detector.stats.unscored, 1);

  // Control: without the window option the cut-off window is scored (count 5 against 10, deviation √10).
  const plainWindow = new TumblingWindowOperator({ size: 60_000, keyField: 'source' });
  const plain = new WindowAnomalyOperator({ threshold: 1.5 });
  const plainAlerts: AnomalyAlert[] = [];
  plainWindow.next = plain;
  plain.next = { push: (alert) => plainAlerts.push(alert), drain() {}, end() {} };
  for (let minute = 0; minute < 20; minute++) {
    for (let i = 0; i < 10; i++) plainWindow.push({ timestamp: minute * 60_000 + i * 6000, source: 's', value: 20 });
  }
  for (let i = 0; i < 5; i++) plainWindow.push({ timestamp: 20 * 60_000 + i * 6000, source: 's', value: 20 });
  plainWindow.end();
  t.equal(plainAlerts.length, 1);
  t.equal(plain.stats.unscored, 0);
});

import t from 'tap';
import { AdaptiveBaseline } from '../../lib/anomaly/adaptive-baseline.js';
import { FirstWindowRule } from '../../lib/anomaly/first-window-rule.js';
import { WindowAnomalyOperator } from '../../lib/anomaly/window-anomaly.js';
import type { WindowResult } from '../../lib/window/window-aggregate.js';

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
  t.same(operator.stats, { windows: 3, alerts: 1, windowsInAlert: 1 });
});

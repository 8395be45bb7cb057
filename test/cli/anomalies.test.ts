import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { parseLines, runCli } from '../helpers/cli.js';

const WSN = gunzipSync(readFileSync(new URL('../../data/wsn-single-hop.ndjson.gz', import.meta.url)));

/** Splits a buffer into chunks of `size` bytes, so lines and UTF-8 sequences break across writes. */
function chunksOf(buffer: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size) chunks.push(buffer.subarray(offset, offset + size));
  return chunks;
}

t.test('anomalies finds both heated motes', async (t) => {
  const result = await runCli(['anomalies', '--ms', '1m', '--by', 'source', '--value-field', 'humidity', '--stats', '--stats-format', 'json'], { stdin: chunksOf(WSN, 65_537) });
  t.equal(result.code, 0);
  const alerts = parseLines(result.stdout);
  t.equal(alerts.length, 2);
  t.same(alerts.map((alert) => alert.source), ['single-hop/mote-1', 'single-hop/mote-4']);
  // Labelled heating starts at 03:15:15 on mote-1 and 03:16:45 on mote-4.
  t.same(alerts.map((alert) => (alert.window as { start: number }).start), [Date.UTC(2010, 4, 9, 3, 15), Date.UTC(2010, 4, 9, 3, 17)]);
  t.same(alerts.map((alert) => alert.rule), ['avg-zscore', 'avg-zscore']);
  t.same(alerts.map((alert) => alert.severity), ['Critical', 'Critical']);
  t.same(Object.keys(alerts[0]!), ['timestamp', 'source', 'event_type', 'message', 'severity', 'rule', 'rules', 'window', 'baseline', 'scores']);
  const report = JSON.parse(result.stderr) as Record<string, unknown>;
  t.equal(report.received, 18_914);
  t.equal(report.delivered, 2);
  t.equal(report.windows, 1579);
  t.equal(report.windows_in_alert, 17);
});

t.test('anomalies first rule alerts per window', async (t) => {
  const lines = [
    { timestamp: 0, source: 's', value: 10 },
    { timestamp: 500, source: 's', value: 10 },
    { timestamp: 1000, source: 's', value: 14 },
    { timestamp: 2000, source: 's', value: 16 },
    { timestamp: 2100, source: 's', value: 16 },
    { timestamp: 2200, source: 's', value: 16 },
    { timestamp: 2300, source: 's', value: 16 },
    { timestamp: 2400, source: 's', value: 16 },
  ];
  const text = lines.map((line) => JSON.stringify(line)).join('\n');
  const result = await runCli(['anomalies', '--ms', '1s', '--by', 'source', '--baseline', 'first'], { stdin: [text.slice(0, 7), text.slice(7)] });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  const alerts = parseLines(result.stdout);
  t.equal(alerts.length, 1, 'window 1 (one event at 14) stays within both limits');
  t.equal(alerts[0]!.rule, 'count>2x-first');
  t.same(alerts[0]!.rules, ['count>2x-first', 'avg>1.5x-first']);
  t.same(alerts[0]!.window, { start: 2000, end: 3000, key: 's', count: 5, avg: 16, min: 16, max: 16 });
  t.same(alerts[0]!.baseline, { count: 2, avg: 10 });
  t.same(alerts[0]!.scores, { count_ratio: 2.5, avg_ratio: 1.6 });
});

t.test('anomalies rejects invalid options', async (t) => {
  const cases = [
    [['anomalies'], /--ms/],
    [['anomalies', '--ms', '1s', '--baseline', 'median'], /expected first or adaptive/],
    [['anomalies', '--ms', '1s', '--threshold', '0'], /above 0/],
    [['anomalies', '--ms', '1s', '--alpha', '1.5'], /from 0 to 1/],
    [['anomalies', '--ms', '1s', '--warmup', '0'], /at least 1/],
  ] as const;
  for (const [args, message] of cases) {
    const result = await runCli([...args]);
    t.equal(result.code, 2, `${args.join(' ')} exits 2`);
    t.match(result.stderr, message);
  }
  const exit = await runCli(['anomalies', '--ms', '1s', '--threshold', '2', '--exit-threshold', '3'], { stdin: '' });
  t.equal(exit.code, 1, 'an exit threshold above the threshold fails before reading');
  t.match(exit.stderr, /invalid exit threshold 3/);
});

t.test('anomalies reports invalid input with its line', async (t) => {
  const result = await runCli(['anomalies', '--ms', '1s'], { stdin: '{"timestamp":0,"value":1}\nnot json\n' });
  t.equal(result.code, 1);
  t.match(result.stderr, /stdin:2/);
});

t.test('anomalies help lists defaults and exit codes', async (t) => {
  const result = await runCli(['anomalies', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--threshold <z>.*\(default: 4\)/s);
  t.match(result.stdout, /--exit-threshold <z>.*\(default: threshold \/ 2\)/s);
  t.match(result.stdout, /--baseline <mode>.*\(default: "adaptive"\)/s);
  t.match(result.stdout, /Exit codes:/);
});

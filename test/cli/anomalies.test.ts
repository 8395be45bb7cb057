import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { spawn } from 'node:child_process';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

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
  t.equal(report.unscored_windows, 1, 'the last window of mote-4 is cut off by the end of the data');
  t.equal(report.windows_in_alert, 17);
  t.equal(report.without_value, 0);
  t.equal(report.without_key, 0);
  t.equal(report.keys_evicted, 0);
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
    // Closes the window above; its own window is cut off by the end of input and not scored.
    { timestamp: 3000, source: 's', value: 100 },
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
    [['anomalies', '--ms', '1s', '--alpha', '1.5'], /'--alpha <weight>' argument '1.5' is invalid. expected a number above 0 and at most 1/],
    [['anomalies', '--ms', '1s', '--alpha', '0'], /'--alpha <weight>' argument '0' is invalid. expected a number above 0 and at most 1/],
    [['anomalies', '--ms', '0'], /'--ms <duration>' argument '0' is invalid. expected a window length of at least 1ms/],
    [['anomalies', '--ms', '1s', '--warmup', '0'], /at least 1/],
    [['anomalies', '--ms', '1s', '--rearm', '0'], /at least 1/],
    [['anomalies', '--ms', '1s', '--max-keys', '0'], /at least 1/],
    [['anomalies', '--ms', '1s', '--min-deviation', '-1'], /0 or more/],
  ] as const;
  for (const [args, message] of cases) {
    const result = await runCli([...args]);
    t.equal(result.code, 2, `${args.join(' ')} exits 2`);
    t.match(result.stderr, message);
  }
  const exit = await runCli(['anomalies', '--ms', '1s', '--threshold', '2', '--exit-threshold', '3'], { stdin: '' });
  t.equal(exit.code, 2, 'an exit threshold above the threshold fails before reading');
  t.match(exit.stderr, /invalid exit threshold 3/);
});

/** NDJSON of `windows` one-second windows of 10 events for each key, with values from valueOf(window, key). */
function seriesText(windows: number, keys: unknown[], valueOf: (window: number, key: unknown) => unknown): string {
  const lines: string[] = [];
  for (let window = 0; window < windows; window++) {
    for (let i = 0; i < 10; i++) {
      for (const key of keys) lines.push(JSON.stringify({ timestamp: window * 1000 + i * 100, source: key, value: valueOf(window, key) }));
    }
  }
  return lines.join('\n') + '\n';
}

t.test('anomalies skips the cut-off last window', async (t) => {
  const generated = await runCli(['generate', '--count', '20500']);
  const result = await runCli(['anomalies', '--ms', '1s', '--by', 'source', '--stats', '--stats-format', 'json'], { stdin: generated.stdout });
  t.equal(result.code, 0);
  t.equal(result.stdout, '', 'no alert for the half-full last window of each sensor');
  const report = JSON.parse(result.stderr) as Record<string, number>;
  t.equal(report.windows, 84);
  t.equal(report.unscored_windows, 4);
});

t.test('anomalies on SIGINT skips open windows', async (t) => {
  const child = spawn(process.execPath, [EVPROC_BIN, 'anomalies', '--ms', '1s', '--by', 'source', '--threshold', '1.5', '--stats', '--stats-interval', '100ms'], { env: { ...process.env, TZ: 'UTC' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    // Interrupt once a progress report shows that every event written so far was read.
    if (stderr.includes('progress: received 205 events') && !child.killed) child.kill('SIGINT');
  });
  // 20 whole windows, then half of the 21st, and stdin stays open.
  const half = seriesText(1, ['s'], () => 20)
    .split('\n')
    .slice(0, 5)
    .map((line) => line.replace(/"timestamp":(\d+)/, (_, ms: string) => `"timestamp":${Number(ms) + 20_000}`));
  child.stdin.write(seriesText(20, ['s'], () => 20) + half.join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 130);
  t.equal(stdout, '', 'the half window raises no count alert (its z-score would be -1.58)');
  t.match(stderr, /summary: received 205 events, .*windows 21, unscored windows 1, windows in alert 0/);
});

t.test('anomalies alerts once on a flapping key', async (t) => {
  const text = seriesText(40, ['s'], (window) => (window >= 15 && window % 2 === 1 ? 40 : 20 + (window % 3) * 0.1));
  const result = await runCli(['anomalies', '--ms', '1s', '--by', 'source'], { stdin: text });
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((alert) => (alert.window as { start: number }).start), [15_000]);
  const rearm1 = await runCli(['anomalies', '--ms', '1s', '--by', 'source', '--rearm', '1'], { stdin: text });
  t.equal(parseLines(rearm1.stdout).length, 12, 'the spike in the last (cut-off) window is not scored');
});

t.test('anomalies keeps key types apart', async (t) => {
  const keys = [1, '1', true, 'true', null, 'null'];
  const text = seriesText(15, keys, (window) => (window === 13 ? 500 : 20));
  const result = await runCli(['anomalies', '--ms', '1s', '--by', 'source'], { stdin: text });
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((alert) => alert.source), [null, true, 1, '1', 'null', 'true']);
});

t.test('anomalies warns about missing fields', async (t) => {
  const text = seriesText(15, ['s'], () => 20);
  const typo = await runCli(['anomalies', '--ms', '1s', '--by', 'sourc', '--value-field', 'humidty', '--stats'], { stdin: text });
  t.equal(typo.code, 0);
  t.equal(
    typo.stderr,
    'evproc anomalies: warning: none of the 150 events had a numeric value in "humidty", so only event counts were compared. Check the field name (--value-field).\n' +
      'evproc anomalies: warning: none of the 150 events had the key field "sourc", so they all share the key null. Check the field name (--by).\n' +
      'evproc anomalies summary: received 150 events, delivered 0 alerts, dropped 0, invalid 0, late 0, windows 15, unscored windows 1, windows in alert 0, without value 150, without key 150, keys evicted 0\n',
  );

  const strings = await runCli(['anomalies', '--ms', '1s'], { stdin: seriesText(3, ['s'], () => '25') });
  t.match(strings.stderr, /none of the 30 events had a numeric value in "value", so only event counts were compared\. 30 of them had a numeric string, which is not read as a number: write values as JSON numbers\./);

  const some = await runCli(['anomalies', '--ms', '1s', '--by', 'source', '--stats'], { stdin: seriesText(3, ['s'], (window) => (window === 1 ? 'n/a' : 20)) });
  t.match(some.stderr, /^evproc anomalies summary: .*without value 10, without key 0/, 'only counted when some events have the field');
  t.notMatch(some.stderr, /warning/);
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

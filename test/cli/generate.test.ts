import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

t.test('generate writes count events', async (t) => {
  const result = await runCli(['generate', '--count', '5000', '--sources', '3', '--seed', '11']);
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  const events = parseLines(result.stdout);
  t.equal(events.length, 5000);
  t.same(Object.keys(events[0]!), ['id', 'timestamp', 'source', 'value', 'event_type']);
  t.same([...new Set(events.map((event) => event.source))].sort(), ['sensor-0', 'sensor-1', 'sensor-2']);
  t.same([...new Set(events.map((event) => event.event_type))].sort(), ['Alert', 'Error', 'Log', 'Metric']);
  t.equal(events[0]!.timestamp, Date.UTC(2024, 0, 1));
  t.equal(events[4999]!.timestamp, Date.UTC(2024, 0, 1) + 4999);
});

t.test('generate is deterministic for a seed', async (t) => {
  const first = await runCli(['generate', '--count', '20000', '--seed', '5', '--start', '2023-06-01T00:00:00Z']);
  const second = await runCli(['generate', '--count', '20000', '--seed', '5', '--start', '1685577600000']);
  const other = await runCli(['generate', '--count', '20000', '--seed', '6', '--start', '2023-06-01T00:00:00Z']);
  t.equal(first.code, 0);
  t.equal(sha256(first.stdout), sha256(second.stdout), 'ISO and epoch start give the same bytes');
  t.not(sha256(first.stdout), sha256(other.stdout));
  t.equal(parseLines(first.stdout)[0]!.timestamp, 1685577600000);
});

t.test('generate at 2000 per second takes about 5 s', async (t) => {
  const started = process.hrtime.bigint();
  const result = await runCli(['generate', '--count', '10000', '--rate', '2000', '--stats']);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  t.equal(result.code, 0);
  const events = parseLines(result.stdout);
  t.equal(events.length, 10_000);
  t.equal(events[9999]!.timestamp, Date.UTC(2024, 0, 1) + 4999, 'simulated clock steps 0.5 ms per event');
  t.match(result.stderr, /delivered 10000 events/);
  // Paced output cannot finish before the last event is due at 4.9995 s; the upper bound only guards against a hang.
  t.ok(seconds >= 4.9, `took ${seconds.toFixed(2)} s`);
  t.ok(seconds < 30, `took ${seconds.toFixed(2)} s`);
});

t.test('generate stops cleanly on SIGINT', async (t) => {
  const child = spawn(process.execPath, [EVPROC_BIN, 'generate', '--rate', '200', '--stats'], { env: { ...process.env, TZ: 'UTC' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (stdout.split('\n').length > 50 && !child.killed) child.kill('SIGINT');
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 130);
  t.ok(stdout.endsWith('\n'), 'output ends with a whole line');
  const events = parseLines(stdout);
  t.ok(events.length >= 50);
  t.match(stderr, new RegExp(`delivered ${events.length} events`));
});

t.test('generate into a file stops on SIGINT', async (t) => {
  // With stdout redirected to a file, Node writes synchronously; the generator must still let signals and reports through.
  const dir = mkdtempSync(join(tmpdir(), 'evproc-generate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.ndjson');
  const script = 'exec "$0" "$1" generate --count 50000000 --stats --stats-interval 100ms > "$2"';
  const child = spawn('sh', ['-c', script, process.execPath, EVPROC_BIN, out], { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    // A progress report proves the event loop runs; then interrupt.
    if (stderr.includes('progress') && statSync(out).size > 0 && child.signalCode === null && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 130);
  t.match(stderr, /^evproc generate progress: received 0 events, delivered \d+ events/);
  const text = readFileSync(out, 'utf8');
  t.ok(text.endsWith('\n'), 'the file ends with a whole line');
  const lines = text.split('\n').slice(0, -1);
  const delivered = /summary: received 0 events, delivered (\d+) events/.exec(stderr)?.[1];
  t.equal(String(lines.length), delivered, 'the summary counts the lines written');
  t.ok(lines.length < 50_000_000, `stopped after ${lines.length} events`);
  t.same(JSON.parse(lines[lines.length - 1]!).id, `gen-${lines.length - 1}`, 'the last line is a whole event');
});

t.test('generate exits 0 when the reader closes stdout', async (t) => {
  const child = spawn(process.execPath, [EVPROC_BIN, 'generate'], { env: { ...process.env, TZ: 'UTC' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.equal(stderr, '');
});

t.test('generate rejects invalid options', async (t) => {
  const cases = [
    [['--rate', '0'], /above 0/],
    [['--rate', 'fast'], /above 0/],
    [['--count', '-5'], /whole number of events/],
    [['--sources', '0'], /from 1 to 1000000/],
    [['--sources', '100000000', '--count', '2'], /expected a whole number of sensors from 1 to 1000000, got "100000000"/],
    [['--start', 'yesterday'], /ISO-8601/],
    [['--start', '8640000000000000', '--count', '2'], /past the largest valid timestamp 8640000000000000/],
    [['extra-input.ndjson'], /error/],
  ] as const;
  for (const [args, message] of cases) {
    const result = await runCli(['generate', ...args]);
    t.equal(result.code, 2, `${args.join(' ')} exits 2`);
    t.equal(result.stdout, '');
    t.match(result.stderr, message, `${args.join(' ')} prints why`);
  }
});

t.test('generate ends at the last valid timestamp', async (t) => {
  const result = await runCli(['generate', '--start', '8639999999999998']);
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((event) => event.timestamp), [8639999999999998, 8639999999999999, 8640000000000000]);
  t.equal(result.stderr, 'evproc generate: warning: stopped after 3 events because the next timestamp would pass 8640000000000000, the largest valid one\n');
});

t.test('generate help lists units and exit codes', async (t) => {
  const result = await runCli(['generate', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--rate <events-per-second>/);
  t.match(result.stdout, /default: 2024-01-01T00:00:00Z/);
  t.match(result.stdout, /Exit codes:/);
});

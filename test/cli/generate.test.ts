import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
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
  for (const args of [['--rate', '0'], ['--rate', 'fast'], ['--count', '-5'], ['--sources', '0'], ['--start', 'yesterday'], ['extra-input.ndjson']]) {
    const result = await runCli(['generate', ...args]);
    t.equal(result.code, 2, `${args.join(' ')} exits 2`);
    t.equal(result.stdout, '');
    t.match(result.stderr, /error/, `${args.join(' ')} prints an error`);
  }
});

t.test('generate help lists units and exit codes', async (t) => {
  const result = await runCli(['generate', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--rate <events-per-second>/);
  t.match(result.stdout, /default: 2024-01-01T00:00:00Z/);
  t.match(result.stdout, /Exit codes:/);
});

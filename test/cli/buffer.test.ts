import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { EVPROC_BIN, runCli } from '../helpers/cli.js';

const EVENT_COUNT = 100_000;

/** NDJSON with an id beyond 2^53 on every line, so rounding would show. */
function makeInput(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `{"id":1234567890123456789${i % 10},"n":${i},"value":${i % 100}}\n`;
  return text;
}

interface SlowRun {
  code: number | null;
  stdout: string;
  report: Record<string, number>;
}

/**
 * Runs `evproc buffer` with stdout paused until the input is written
 * (drop policies) or for a moment (block, whose input stalls while stdout is
 * paused), then reads stdout to the end.
 */
async function runWithPausedStdout(args: string[], input: string, waitForInput: boolean): Promise<SlowRun> {
  const child = spawn(process.execPath, [EVPROC_BIN, 'buffer', '--stats', '--stats-format', 'json', ...args], {
    env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.pause();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const inputWritten = new Promise<void>((resolve) => child.stdin.end(input, () => resolve()));
  if (waitForInput) {
    await inputWritten;
  } else {
    // Only lets the pipes fill up; no assertion depends on how long this is.
    await sleep(200);
  }
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout.resume();
  const [code] = (await once(child, 'close')) as [number | null];
  const reportLine = stderr.trim().split('\n').at(-1)!;
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), report: JSON.parse(reportLine) as Record<string, number> };
}

function lineNumbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => Number(/"n":(\d+)/.exec(line)![1]));
}

t.test('drop-oldest sheds under a paused reader', async (t) => {
  const input = makeInput(EVENT_COUNT);
  const run = await runWithPausedStdout(['--policy', 'drop-oldest', '--capacity', '100'], input, true);
  t.equal(run.code, 0);
  t.equal(run.report.received, EVENT_COUNT);
  t.ok(run.report.dropped > 0, `events were dropped (${run.report.dropped})`);
  t.equal(run.report.delivered + run.report.dropped, EVENT_COUNT);
  t.equal(run.report.buffered, 0);
  const numbers = lineNumbers(run.stdout);
  t.equal(numbers.length, run.report.delivered, 'stdout has one line per delivered event');
  t.equal(numbers.at(-1), EVENT_COUNT - 1, 'the newest event is delivered');
  t.same(numbers, [...numbers].sort((a, b) => a - b), 'order is kept');
  const inputLines = new Set(input.split('\n'));
  const changed = run.stdout.split('\n').filter((line) => line.length > 0 && !inputLines.has(line));
  t.same(changed, [], 'every line is written as it was read');
});

t.test('block drops nothing under a paused reader', async (t) => {
  const input = makeInput(EVENT_COUNT);
  const run = await runWithPausedStdout(['--policy', 'block', '--capacity', '100'], input, false);
  t.equal(run.code, 0);
  t.equal(run.report.dropped, 0);
  t.equal(run.report.received, EVENT_COUNT);
  t.equal(run.report.delivered, EVENT_COUNT);
  t.equal(run.stdout, input, 'output is the input, byte for byte');
});

t.test('sample with a seed is repeatable', async (t) => {
  const input = makeInput(1000);
  const args = ['buffer', '--policy', 'sample', '--rate', '0.25', '--seed', '99', '--capacity', '2000'];
  const first = await runCli(args, { stdin: input });
  const second = await runCli(args, { stdin: [input.slice(0, 777), input.slice(777)] });
  t.equal(first.code, 0);
  t.equal(second.stdout, first.stdout, 'same seed, same output, whatever the chunks');
  const kept = lineNumbers(first.stdout);
  t.same(kept.slice(0, 10), [4, 6, 7, 11, 15, 28, 33, 37, 47, 48]);
  t.equal(kept.length, 235);
  t.match(first.stderr, /dropped 765/);
  t.match(first.stderr, /drop rate 0\.7650/);
});

t.test('buffer reports progress with an interval', async (t) => {
  const run = await runCli(['buffer', '--stats-interval', '100ms', '--stats-format', 'json'], { stdin: ['{"a":1}\n'] });
  t.equal(run.code, 0);
  t.equal(run.stdout, '{"a":1}\n');
});

t.test('buffer rejects sample options without sample', async (t) => {
  const run = await runCli(['buffer', '--policy', 'drop-newest', '--rate', '0.5'], { stdin: '' });
  t.equal(run.code, 2);
  t.match(run.stderr, /--rate applies only to --policy sample/);
});

t.test('buffer requires a rate for sample', async (t) => {
  const run = await runCli(['buffer', '--policy', 'sample'], { stdin: '' });
  t.equal(run.code, 2);
  t.match(run.stderr, /--policy sample needs --rate/);
});

t.test('buffer rejects an unknown policy', async (t) => {
  const run = await runCli(['buffer', '--policy', 'lossy'], { stdin: '' });
  t.equal(run.code, 2);
  t.match(run.stderr, /expected one of block, drop-oldest, drop-newest, sample/);
});

t.test('buffer help lists policies and defaults', async (t) => {
  const run = await runCli(['buffer', '--help']);
  t.equal(run.code, 0);
  t.match(run.stdout, /--capacity <events>.*\(default: 10000\)/s);
  t.match(run.stdout, /--policy <policy>.*\(default:\s+"block"\)/s);
  t.match(run.stdout, /drop-oldest +drop the oldest buffered event/);
  t.match(run.stdout, /Exit codes:/);
});

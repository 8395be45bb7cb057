import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { runCli } from '../helpers/cli.js';

const REPO = new URL('../../', import.meta.url);
const dir = mkdtempSync(path.join(tmpdir(), 'evproc-threads-'));

/** Runs the same window command with one thread and with `--threads 2`, and checks every output matches. */
async function compareRuns(t: Tap.Test, args: string[], input: { file?: string; stdin?: Array<string | Buffer> }, sideFile?: string): Promise<string> {
  const withFile = (extra: string[]) => [...args, ...extra, ...(input.file === undefined ? [] : [input.file])];
  const single = await runCli(withFile(sideFile === undefined ? [] : ['--dead-letter', `${sideFile}.1`]), input.stdin === undefined ? {} : { stdin: input.stdin });
  const threaded = await runCli(withFile([...(sideFile === undefined ? [] : ['--dead-letter', `${sideFile}.2`]), '--threads', '2']), input.stdin === undefined ? {} : { stdin: input.stdin });
  t.equal(threaded.code, single.code, 'same exit code');
  t.equal(threaded.stderr, single.stderr, 'same stderr');
  t.ok(threaded.stdout === single.stdout, `same stdout, byte for byte (${single.stdout.length} bytes)`);
  if (sideFile !== undefined) {
    t.equal(readFileSync(`${sideFile}.2`, 'utf8'), readFileSync(`${sideFile}.1`, 'utf8'), 'same dead letters');
  }
  return single.stdout;
}

/**
 * About 6 MiB of events, so the input spans several batches. Six events
 * in ten come from a source that lags 2.5 s behind, so most of them are
 * late, also at the start of a batch, where only the earlier batches show
 * it. Some lines are malformed, lack a
 * timestamp, are arrays, too long, CRLF-terminated, or start with U+FEFF;
 * the file starts with a byte order mark and ends without a line end.
 */
function craftedInput(): string {
  let state = 7;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const lines: string[] = [];
  let time = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 60000; i++) {
    time += Math.floor(random() * 40);
    const roll = random();
    const timestamp = roll < 0.6 ? time - 2500 - Math.floor(random() * 100) : time;
    const value = roll < 0.02 ? 'n/a' : Math.round(random() * 12000 - 1000) / 100;
    let line = JSON.stringify({ id: `e-${i}`, timestamp, source: `s${Math.floor(random() * 5)}`, value, pad: 'x'.repeat(Math.floor(random() * 60)) });
    if (i > 0 && i % 997 === 0) line = '{"broken": ';
    if (i > 0 && i % 1499 === 0) line = JSON.stringify({ id: `e-${i}`, value: 1 });
    if (i > 0 && i % 2003 === 0) line = '[1, 2]';
    if (i > 0 && i % 2503 === 0) line = JSON.stringify({ id: `e-${i}`, timestamp, pad: 'y'.repeat(400) });
    if (i > 0 && i % 3001 === 0) line = '\ufeff' + line;
    if (i % 7 === 0) line += '\r';
    lines.push(line);
  }
  return '\ufeff' + lines.join('\n');
}

t.test('threads match on sensor data', async (t) => {
  const text = gunzipSync(readFileSync(new URL('data/wsn-single-hop.ndjson.gz', REPO)));
  const file = path.join(dir, 'wsn.ndjson');
  writeFileSync(file, text);
  for (const args of [
    ['window', '--ms', '60000', '--by', 'source', '--stats'],
    ['window', '--ms', '1000', '--stats'],
    ['window', '--ms', '10m', '--value-field', 'humidity', '--min', '20', '--max', '60'],
  ]) {
    await t.test(args.join(' '), async (t) => {
      const stdout = await compareRuns(t, args, { file });
      t.ok(stdout.length > 10000, 'produces windows');
    });
  }
});

t.test('threads match with late and invalid lines', async (t) => {
  const file = path.join(dir, 'crafted.ndjson');
  writeFileSync(file, craftedInput());
  const base = ['window', '--on-error', 'skip', '--max-line-bytes', '300', '--stats', '--stats-format', 'json'];
  for (const extra of [
    ['--ms', '1000'],
    ['--ms', '500', '--by', 'source'],
    ['--ms', '2000', '--by', 'source', '--allowed-lateness', '1500'],
  ]) {
    await t.test(extra.join(' '), async (t) => {
      await compareRuns(t, [...base, ...extra], { file }, path.join(dir, `dead-${extra.join('')}`));
      const report = JSON.parse((await runCli([...base, ...extra, '--threads', '2', file])).stderr.trim().split('\n').pop()!);
      t.ok(report.late > 0, 'the input has late events');
      t.ok(report.invalid > 0, 'the input has invalid lines');
    });
  }
});

t.test('threads match on stdin in awkward chunks', async (t) => {
  const text = Buffer.from(craftedInput());
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < text.length; at += size, size = (size * 7 + 3) % 150_001) chunks.push(text.subarray(at, at + size));
  await compareRuns(t, ['window', '--on-error', 'skip', '--ms', '1000', '--by', 'source', '--stats'], { stdin: chunks });
});

t.test('threads stop at the same invalid line', async (t) => {
  // Line 15000 is a few MiB into the file, in a later batch than the first.
  const lines = gunzipSync(readFileSync(new URL('data/wsn-single-hop.ndjson.gz', REPO))).toString('utf8').split('\n');
  lines[14999] = '{"broken": ';
  const file = path.join(dir, 'broken-line.ndjson');
  writeFileSync(file, lines.join('\n'));
  const single = await runCli(['window', '--ms', '60000', '--by', 'source', file]);
  const threaded = await runCli(['window', '--ms', '60000', '--by', 'source', '--threads', '2', file]);
  t.equal(single.code, 1);
  t.equal(threaded.code, 1);
  t.match(single.stderr, /broken-line\.ndjson:15000: invalid JSON/);
  t.equal(threaded.stderr, single.stderr, 'same report and error message');
});

t.test('threads reject late output', async (t) => {
  const result = await runCli(['window', '--ms', '1000', '--threads', '2', '--late-output', path.join(dir, 'late.ndjson')], { stdin: '' });
  t.equal(result.code, 2, 'exit code of invalid usage');
  t.match(result.stderr, /--late-output cannot be combined with --threads/);
  t.equal(result.stdout, '');
});

import { spawn } from 'node:child_process';
import { rmSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'evproc-tee-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const input = Array.from({ length: 5 }, (_, index) => JSON.stringify({ timestamp: index * 600, value: index * 20 })).join('\n') + '\n';

t.test('tee copies the output to files', async (t) => {
  const first = join(dir, 'first.ndjson');
  const second = join(dir, 'second.ndjson');
  const result = await runCli(['window', '--ms', '1s', '--tee', first, '--tee', `file:${second}`], { stdin: [input.slice(0, 30), input.slice(30)] });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.same(parseLines(result.stdout).map((window) => window.event_count), [2, 2, 1]);
  t.equal(readFileSync(first, 'utf8'), result.stdout);
  t.equal(readFileSync(second, 'utf8'), result.stdout);
});

t.test('tee accepts a file URL', async (t) => {
  const target = join(dir, 'url.ndjson');
  const result = await runCli(['normalize', '--tee', pathToFileURL(target).href], { stdin: input });
  t.equal(result.code, 0);
  t.equal(readFileSync(target, 'utf8'), result.stdout);
  t.equal(parseLines(result.stdout).length, 5);
});

t.test('tee to an unwritable path fails first', async (t) => {
  const target = join(dir, 'no-such-dir', 'out.ndjson');
  const result = await runCli(['window', '--ms', '1s', '--tee', target], { stdin: input });
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.match(result.stderr, `evproc window: error: cannot open --tee file ${target} for writing: ENOENT`);
});

t.test('tee rejects an unknown scheme', async (t) => {
  const result = await runCli(['window', '--ms', '1s', '--tee', 'kafka://127.0.0.1/topic'], { stdin: input });
  t.equal(result.code, 2);
  t.match(result.stderr, 'unknown scheme "kafka:"');
});

t.test('tee copy is complete when stdout closes', async (t) => {
  const source = join(dir, 'many.ndjson');
  const count = 20_000;
  writeFileSync(source, Array.from({ length: count }, (_, index) => JSON.stringify({ timestamp: index, value: index % 100 })).join('\n') + '\n');
  const copy = join(dir, 'many-copy.ndjson');
  const child = spawn(process.execPath, [EVPROC_BIN, 'normalize', source, '--tee', copy], { env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Reads one chunk and closes, as `head -n 1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.equal(stderr, '');
  t.ok(existsSync(copy));
  const lines = parseLines(readFileSync(copy, 'utf8'));
  t.equal(lines.length, count, 'the copy has every event');
  t.equal(lines[count - 1]!.timestamp, count - 1);
});

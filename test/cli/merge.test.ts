import { spawn, execFileSync } from 'node:child_process';
import { rmSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'evproc-merge-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function events(tag: string, timestamps: number[]): string {
  return timestamps.map((timestamp, index) => JSON.stringify({ timestamp, value: 10, n: `${tag}${index + 1}` })).join('\n') + '\n';
}

const three = write('three.ndjson', events('a', [1000, 3000, 5000]));
// The last line has no line end.
const two = write('two.ndjson', events('b', [2000, 4000]).trimEnd());

t.test('merge keeps each file order', async (t) => {
  const result = await runCli(['normalize', three, two]);
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  const names = parseLines(result.stdout).map((event) => event.n as string);
  t.equal(names.length, 5);
  t.same(names.filter((name) => name.startsWith('a')), ['a1', 'a2', 'a3']);
  t.same(names.filter((name) => name.startsWith('b')), ['b1', 'b2']);
});

t.test('merge feeds window from both files', async (t) => {
  const result = await runCli(['window', '--ms', '10s', three, two]);
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((window) => window.event_count), [5]);
});

t.test('missing input exits 1 naming it', async (t) => {
  const missing = join(dir, 'missing.ndjson');
  const result = await runCli(['window', '--ms', '1s', three, missing]);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(result.stderr, `evproc window: error: cannot read input ${missing}: no such file\n`);
});

t.test('ordered merge sorts sorted files', async (t) => {
  const result = await runCli(['normalize', '--ordered', two, three]);
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.same(parseLines(result.stdout).map((event) => event.n), ['a1', 'b1', 'a2', 'b2', 'a3']);
});

t.test('ordered merge with stdin in chunks', async (t) => {
  const stdin = events('s', [500, 2500, 6000]);
  const result = await runCli(['normalize', '--ordered', three, '-'], { stdin: [stdin.slice(0, 9), stdin.slice(9, 40), stdin.slice(40)] });
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((event) => event.n), ['s1', 'a1', 's2', 'a2', 'a3', 's3']);
});

t.test('ordered merge reports out-of-order events', async (t) => {
  const unsorted = write('unsorted.ndjson', events('u', [1500, 4500, 2500]));
  const result = await runCli(['window', '--ms', '10s', '--ordered', three, unsorted]);
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((window) => window.event_count), [6]);
  t.equal(result.stderr, 'evproc window summary: received 6 events, delivered 1 window, dropped 0, invalid 0, late 0, out of order 1\n');
});

t.test('ordered merge invalid line names its input line', async (t) => {
  const bad = write('bad.ndjson', '{"timestamp":1500,"value":1}\n\n{oops\n');
  const result = await runCli(['window', '--ms', '10s', '--ordered', three, bad]);
  t.equal(result.code, 1);
  t.match(result.stderr, `evproc window: error: ${bad}:3: invalid JSON`);
});

t.test('tag-input adds the input name', async (t) => {
  const result = await runCli(['normalize', '--ordered', three, '-', '--tag-input'], { stdin: '{"timestamp":1,"value":5}\n' });
  t.equal(result.code, 0);
  t.same(
    parseLines(result.stdout).map((event) => event.input),
    ['stdin', three, three, three],
  );
});

t.test('tag-input takes a field name', async (t) => {
  const result = await runCli(['window', '--ms', '10s', '--by', 'src', '--tag-input=src', three, two]);
  t.equal(result.code, 0);
  t.same(
    parseLines(result.stdout).map((window) => [window.key, window.event_count]),
    [
      [three, 3],
      [two, 2],
    ],
  );
});

t.test('tag-input rejects a file as field name', async (t) => {
  const result = await runCli(['normalize', '--tag-input', three, two]);
  t.equal(result.code, 2);
  t.match(result.stderr, 'put --tag-input after the inputs or write --tag-input=input');
});

t.test('empty inputs-from list ends at once', async (t) => {
  const list = write('empty.list', '');
  const result = await runCli(['window', '--ms', '1s', '--inputs-from', list], { stdin: events('s', [1]) });
  t.equal(result.code, 0);
  t.equal(result.stdout, '', 'stdin is not read');
  t.equal(result.stderr, '');
});

t.test('inputs-from adds the listed files', async (t) => {
  const list = write('files.list', `${two}\r\n\n${three}\n`);
  const result = await runCli(['normalize', '--ordered', '--inputs-from', list]);
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((event) => event.n), ['a1', 'b1', 'a2', 'b2', 'a3']);
});

t.test('inputs-from names a missing list', async (t) => {
  const list = join(dir, 'no.list');
  const result = await runCli(['window', '--ms', '1s', '--inputs-from', list]);
  t.equal(result.code, 1);
  t.equal(result.stderr, `evproc window: error: cannot read the input list ${list} (--inputs-from): no such file\n`);
});

t.test('input named twice is rejected', async (t) => {
  const result = await runCli(['window', '--ms', '1s', three, three]);
  t.equal(result.code, 1);
  t.match(result.stderr, `input ${three} is named twice`);
});

// /proc/self/mem passes the up-front check, then fails its first read with EIO.
const failingInput = '/proc/self/mem';

for (const ordered of [false, true]) {
  t.test(`read error ends the run despite an open FIFO${ordered ? ' (ordered)' : ''}`, async (t) => {
    const fifo = join(dir, `fifo-${ordered}`);
    execFileSync('mkfifo', [fifo]);
    // A writer that sends one event and then keeps the FIFO open without ever ending it.
    const writer = spawn('sh', ['-c', 'exec 3>"$0"; printf \'{"timestamp":1,"value":1}\\n\' >&3; exec sleep 60', fifo], { stdio: 'ignore' });
    t.teardown(() => {
      writer.kill();
    });
    const run = runCli(['window', '--ms', '1s', ...(ordered ? ['--ordered'] : []), fifo, failingInput]);
    let guard: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      guard = setTimeout(() => resolve('hung'), 20_000);
    });
    const result = await Promise.race([run, hung]);
    clearTimeout(guard);
    if (result === 'hung') {
      t.fail('the command did not exit while the FIFO stayed open');
      return;
    }
    t.equal(result.code, 1);
    t.match(result.stderr, `evproc window: error: cannot read input ${failingInput}: EIO`);
  });
}

t.test('FIFO input is read to its end', async (t) => {
  const fifo = join(dir, 'fifo-plain');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', 'exec 3>"$0"; printf \'{"timestamp":1,"value":1}\\n{"timestamp":2,"value":1}\\n\' >&3', fifo], { stdio: 'ignore' });
  const result = await runCli(['window', '--ms', '1s', '--ordered', fifo, three]);
  writer.kill();
  t.equal(result.code, 0);
  t.same(parseLines(result.stdout).map((window) => window.event_count), [2, 1, 1, 1]);
  t.equal(readFileSync(three, 'utf8').split('\n').length, 4);
});

t.test('window keeps one watermark per input', async (t) => {
  // The file runs far ahead of stdin in event time; with one watermark for both, stdin's events would be late.
  const ahead = write('ahead.ndjson', events('f', [1000, 5000, 9000]));
  const stdin = events('s', [0, 10, 1500]);
  const result = await runCli(['window', '--ms', '1s', ahead, '-'], { stdin: [stdin.slice(0, 20), stdin.slice(20, 50), stdin.slice(50)] });
  t.equal(result.code, 0);
  t.equal(result.stderr, '', 'no event is late');
  t.same(
    parseLines(result.stdout).map((window) => [window.window_start, window.event_count]),
    [
      [0, 2],
      [1000, 2],
      [5000, 1],
      [9000, 1],
    ],
  );
});

t.test('SIGINT flushes an ordered merge waiting on stdin', async (t) => {
  const child = spawn(process.execPath, [EVPROC_BIN, 'window', '--ms', '1s', '--ordered', '--stats-interval', '100ms', three, '-'], {
    env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // The first progress report shows that the command runs and handles signals; stdin stays open.
  child.stderr.once('data', () => child.kill('SIGINT'));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.write('{"timestamp":1,"value":1}\n{"timestamp":2500,"value":1}\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 130);
  t.same(
    parseLines(stdout).map((window) => [window.window_start, window.event_count]),
    [
      [0, 1],
      [1000, 1],
      [2000, 1],
      [3000, 1],
      [5000, 1],
    ],
    'what was read is merged in time order and every open window is written',
  );
  t.match(stderr, 'evproc window progress: received');
});

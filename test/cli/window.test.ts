import { spawn } from 'node:child_process';
import { linkSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const REPO = new URL('../../', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'evproc-window-'));

const lines = (...events: unknown[]) => events.map((event) => JSON.stringify(event)).join('\n') + '\n';

t.test('fail mode names stdin and line 2', async (t) => {
  const input = '{"timestamp":0,"value":1}\n{"timestamp":1,"value"\n{"timestamp":2,"value":3}\n';
  const result = await runCli(['window', '--ms', '1000'], { stdin: input });
  t.equal(result.code, 1);
  t.match(result.stderr, /evproc window: error: stdin:2: invalid JSON/);
  t.match(result.stderr, /--on-error skip/);
});

t.test('fail mode names the file and line', async (t) => {
  const file = join(tmp, 'broken.ndjson');
  writeFileSync(file, '{"timestamp":0}\n\n{"timestamp":1}\nnot json\n');
  const result = await runCli(['window', '--ms', '1000', file]);
  t.equal(result.code, 1);
  t.match(result.stderr, `${file}:4: invalid JSON`);
});

t.test('skip mode counts the rejected line', async (t) => {
  const input = '{"timestamp":0,"value":1}\n{"timestamp":1,"value"\n{"timestamp":2,"value":3}\n';
  const result = await runCli(['window', '--ms', '1000', '--on-error', 'skip'], { stdin: input });
  t.equal(result.code, 0);
  const windows = parseLines(result.stdout);
  t.equal(windows.length, 1);
  t.equal(windows[0]!.event_count, 2);
  t.equal(result.stderr, 'evproc window summary: received 3 events, delivered 1 window, dropped 0, invalid 1, late 0\n');
});

t.test('dead letter file gets each rejected line', async (t) => {
  const deadLetter = join(tmp, 'dead.ndjson');
  const input = '{"timestamp":0}\n[1]\n{"value":2}\n{"timestamp":"2024-99-01"}\n';
  const result = await runCli(['window', '--ms', '1000', '--on-error', 'skip', '--dead-letter', deadLetter], { stdin: input });
  t.equal(result.code, 0);
  const rejected = parseLines(readFileSync(deadLetter, 'utf8'));
  t.same(
    rejected.map((r) => [r.input, r.line, r.text]),
    [
      ['stdin', 2, '[1]'],
      ['stdin', 3, '{"value":2}'],
      ['stdin', 4, '{"timestamp":"2024-99-01"}'],
    ],
  );
  t.match(rejected[1]!.reason, /missing timestamp field "timestamp"/);
});

t.test('late events are counted and written', async (t) => {
  const lateFile = join(tmp, 'late.ndjson');
  const input = lines({ timestamp: 100 }, { timestamp: 1100 }, { timestamp: 2100 }, { timestamp: 500, id: 'late-one' });
  const result = await runCli(['window', '--ms', '1000', '--late-output', lateFile], { stdin: input });
  t.equal(result.code, 0);
  t.same(
    parseLines(result.stdout).map((w) => w.event_count),
    [1, 1, 1],
  );
  t.match(result.stderr, /late 1/);
  t.same(parseLines(readFileSync(lateFile, 'utf8')), [{ timestamp: 500, id: 'late-one' }]);
});

t.test('allowed lateness emits the first window once', async (t) => {
  const input = lines({ timestamp: 100 }, { timestamp: 1100 }, { timestamp: 2100 }, { timestamp: 500 });
  const result = await runCli(['window', '--ms', '1s', '--allowed-lateness', '2000'], { stdin: input });
  const windows = parseLines(result.stdout);
  t.same(
    windows.map((w) => [w.window_start, w.event_count]),
    [
      [0, 2],
      [1000, 1],
      [2000, 1],
    ],
  );
  t.equal(result.stderr, '');
});

t.test('four notations of one instant, in awkward chunks', async (t) => {
  const input = lines(
    { timestamp: Date.UTC(2024, 0, 15, 12), value: 1 },
    { timestamp: '2024-01-15T12:00:00Z', value: 2 },
    { timestamp: '2024-01-15T05:00:00-07:00', value: 3 },
    { timestamp: '2024-01-15T05:00:00-0700', value: 4 },
  );
  const bytes = Buffer.from(input);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
  const result = await runCli(['window', '--ms', '1m'], { stdin: chunks, env: { TZ: 'Asia/Kolkata' } });
  const windows = parseLines(result.stdout);
  t.equal(windows.length, 1);
  t.equal(windows[0]!.event_count, 4);
  t.equal(windows[0]!.sum_value, 10);
});

t.test('CRLF, BOM and missing final newline on stdin', async (t) => {
  const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"timestamp":1,"value":1}\r\n\r\n{"timestamp":2,"value":2}')]);
  const result = await runCli(['window', '--ms', '1000'], { stdin: [input.subarray(0, 2), input.subarray(2, 30), input.subarray(30)] });
  t.equal(result.code, 0);
  t.equal(parseLines(result.stdout)[0]!.event_count, 2);
  t.equal(result.stderr, '');
});

t.test('seconds unit and dotted fields', async (t) => {
  const input = lines({ t: { s: 1 }, p: { mag: 4, region: 'x' } }, { t: { s: 1.5 }, p: { mag: 6, region: 'x' } });
  const result = await runCli(['window', '--ms', '1000', '--time-field', 't.s', '--time-unit', 's', '--value-field', 'p.mag', '--by', 'p.region'], { stdin: input });
  t.same(parseLines(result.stdout), [
    { window_start: 1000, window_end: 2000, key: 'x', event_count: 2, sum_value: 10, avg_value: 5, min_value: 4, max_value: 6, severity_counts: { Low: 2, Medium: 0, High: 0, Critical: 0 } },
  ]);
});

t.test('ordered files merge by time', async (t) => {
  const first = join(tmp, 'first.ndjson');
  const second = join(tmp, 'second.ndjson');
  writeFileSync(first, lines({ timestamp: 0, value: 1 }, { timestamp: 10, value: 2 }).trimEnd());
  writeFileSync(second, lines({ timestamp: 1000, value: 3 }));
  // Inputs interleave in arrival order by default; --ordered merges them by event time, so no event of first is late.
  const result = await runCli(['window', '--ms', '1000', '--ordered', first, second]);
  t.same(
    parseLines(result.stdout).map((w) => [w.window_start, w.event_count]),
    [
      [0, 2],
      [1000, 1],
    ],
  );
});

t.test('missing input file exits 1 naming it', async (t) => {
  const result = await runCli(['window', '--ms', '1000', join(tmp, 'nope.ndjson')]);
  t.equal(result.code, 1);
  t.match(result.stderr, /cannot read input .*nope\.ndjson: no such file/);
  t.equal(result.stdout, '');
});

t.test('usage errors exit 2', async (t) => {
  const missing = await runCli(['window']);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /--ms/);
  const bad = await runCli(['window', '--ms', '10 parsecs']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /invalid duration "10 parsecs"/);
  const mode = await runCli(['window', '--ms', '1s', '--on-error', 'ignore']);
  t.equal(mode.code, 2);
});

t.test('help documents options, units and exit codes', async (t) => {
  const result = await runCli(['window', '--help']);
  t.equal(result.code, 0);
  for (const text of ['--ms <duration>', '--by <path>', '--allowed-lateness', '--late-output', '--on-error', '--dead-letter', '--max-line-bytes', '--time-unit', 'Exit codes:', '130  stopped by SIGINT']) {
    t.match(result.stdout, text);
  }
  t.match(result.stdout, /--max-line-bytes <bytes>\s+longest accepted line, in bytes \(default:\s+1048576\)/);
});

t.test('output piped to head ends quietly', async (t) => {
  const file = join(tmp, 'many.ndjson');
  let text = '';
  for (let i = 0; i < 200_000; i++) text += `{"timestamp":${i},"value":${i % 100}}\n`;
  writeFileSync(file, text);
  const errFile = join(tmp, 'head-stderr.txt');
  const script = `node "${EVPROC_BIN}" window --ms 1 < "${file}" 2> "${errFile}" | head -n 1; echo "exit=\${PIPESTATUS[0]}"`;
  const result = await new Promise<string>((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, TZ: 'UTC' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('close', () => resolve(out));
  });
  const outLines = result.trim().split('\n');
  t.equal(outLines.length, 2);
  t.equal(JSON.parse(outLines[0]!).window_start, 0);
  t.equal(outLines[1], 'exit=0');
  t.equal(readFileSync(errFile, 'utf8'), '');
});

t.test('slow reader still gets every line', async (t) => {
  let text = '';
  for (let i = 0; i < 30_000; i++) text += `{"timestamp":${i},"value":1}\n`;
  const child = spawn(process.execPath, [EVPROC_BIN, 'window', '--ms', '1'], { env: { ...process.env, TZ: 'UTC' } });
  child.stdin.end(text);
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, 300));
  let received = '';
  child.stdout.on('data', (chunk: Buffer) => (received += chunk));
  child.stdout.resume();
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.equal(received.split('\n').filter(Boolean).length, 30_000);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} emits open windows and exits`, async (t) => {
    const child = spawn(process.execPath, [EVPROC_BIN, 'window', '--ms', '1000', '--by', 'source'], { env: { ...process.env, TZ: 'UTC' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    const firstWindow = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.includes('\n')) resolve();
      });
    });
    child.stdin.write(lines({ timestamp: 0, source: 'a', value: 1 }, { timestamp: 1500, source: 'b', value: 2 }));
    await firstWindow;
    child.kill(signal);
    const code = await new Promise((resolve) => child.on('close', resolve));
    t.equal(code, signal === 'SIGTERM' ? 143 : 130);
    t.same(
      parseLines(out).map((w) => [w.window_start, w.key, w.event_count]),
      [
        [0, 'a', 1],
        [1000, 'b', 1],
      ],
    );
    t.equal(err, '');
  });
}

t.test('real sensor data matches a reference aggregation', async (t) => {
  const text = gunzipSync(readFileSync(new URL('data/wsn-single-hop.ndjson.gz', REPO))).toString('utf8');
  const result = await runCli(['window', '--ms', '60000', '--by', 'source'], { stdin: text });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');

  // Reference: one pass over the lines, plain objects, no lib code.
  interface Ref { count: number; sum: number; min: number; max: number; sev: number[] }
  const reference = new Map<string, Ref>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line);
    const start = event.timestamp - (event.timestamp % 60000);
    const id = `${start}|${event.source}`;
    let ref = reference.get(id);
    if (ref === undefined) {
      ref = { count: 0, sum: 0, min: Infinity, max: -Infinity, sev: [0, 0, 0, 0] };
      reference.set(id, ref);
    }
    ref.count += 1;
    ref.sum += event.value;
    ref.min = Math.min(ref.min, event.value);
    ref.max = Math.max(ref.max, event.value);
    const normalized = Math.min(1, Math.max(0, event.value / 100));
    let level = 3;
    if (normalized < 0.3) level = 0;
    else if (normalized < 0.6) level = 1;
    else if (normalized < 0.9) level = 2;
    ref.sev[level]! += 1;
  }

  const windows = parseLines(result.stdout);
  t.equal(windows.length, reference.size, 'one result per (window, key)');
  const expectedOrder = [...reference.keys()].sort((a, b) => {
    const [startA, keyA] = a.split('|');
    const [startB, keyB] = b.split('|');
    if (startA !== startB) return Number(startA) - Number(startB);
    if (keyA === keyB) return 0;
    return keyA! < keyB! ? -1 : 1;
  });
  let mismatches = 0;
  windows.forEach((window, i) => {
    const id = `${window.window_start}|${window.key}`;
    const ref = reference.get(id)!;
    const expected = {
      window_start: window.window_start,
      window_end: (window.window_start as number) + 60000,
      key: window.key,
      event_count: ref.count,
      sum_value: ref.sum,
      avg_value: ref.sum / ref.count,
      min_value: ref.min,
      max_value: ref.max,
      severity_counts: { Low: ref.sev[0], Medium: ref.sev[1], High: ref.sev[2], Critical: ref.sev[3] },
    };
    if (id !== expectedOrder[i] || JSON.stringify(window) !== JSON.stringify(expected)) {
      mismatches++;
      if (mismatches <= 3) t.same(window, expected, `window ${i} (${id})`);
    }
  });
  t.equal(mismatches, 0, 'every (key, window) matches the reference, in order');
});

t.test('side file that is an input is rejected', async (t) => {
  const input = join(tmp, 'victim.ndjson');
  writeFileSync(input, lines({ timestamp: 1, value: 1 }));
  for (const option of ['--dead-letter', '--late-output']) {
    const result = await runCli(['window', '--ms', '1000', input, option, input]);
    t.equal(result.code, 2, option);
    t.match(result.stderr, `${option} ${input} is also the input ${input}`);
    t.equal(readFileSync(input, 'utf8'), lines({ timestamp: 1, value: 1 }), 'the input is untouched');
  }
  const side = join(tmp, 'side.ndjson');
  const both = await runCli(['window', '--ms', '1000', input, '--dead-letter', side, '--late-output', side]);
  t.equal(both.code, 2);
  t.match(both.stderr, /names the same file as --dead-letter/);
});

t.test('late output keeps the original line', async (t) => {
  const lateFile = join(tmp, 'late-raw.ndjson');
  const late = '{"timestamp":5,"id":12345678901234567890,"v":1.50,"z":-0}';
  const input = `{"timestamp":2000}\n${late}\n`;
  const result = await runCli(['window', '--ms', '1000', '--late-output', lateFile], { stdin: input });
  t.equal(result.code, 0);
  t.equal(readFileSync(lateFile, 'utf8'), late + '\n');
});

t.test('option values checked by the stage exit 2', async (t) => {
  for (const args of [['--ms', '0'], ['--ms', '1s', '--min', '10', '--max', '5'], ['--ms', '1s', '--by', 'a..b']]) {
    const result = await runCli(['window', ...args], { stdin: '' });
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, /run with --help for usage/);
  }
});

t.test('invalid event in fail mode names its line', async (t) => {
  let deep = '1';
  for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;
  const input = `{"timestamp":1,"k":"a"}\n{"timestamp":2,"k":${deep}}\n`;
  const failed = await runCli(['window', '--ms', '1000', '--by', 'k'], { stdin: input });
  t.equal(failed.code, 1);
  t.match(failed.stderr, /stdin:2: the grouping key is nested too deeply/);
  const skipped = await runCli(['window', '--ms', '1000', '--by', 'k', '--on-error', 'skip'], { stdin: input });
  t.equal(skipped.code, 0);
  t.equal(parseLines(skipped.stdout).length, 1);
  t.match(skipped.stderr, /invalid 1/);
});

t.test('failed stdout write names stdout', async (t) => {
  const script = `node "${EVPROC_BIN}" window --ms 1 > /dev/full`;
  const stderr = await new Promise<{ text: string; code: number | null }>((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, TZ: 'UTC' } });
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => (text += chunk));
    child.stdin.end(lines({ timestamp: 1 }, { timestamp: 2 }, { timestamp: 3 }));
    child.on('close', (code) => resolve({ text, code }));
  });
  t.equal(stderr.code, 1);
  t.match(stderr.text, /cannot write to stdout: ENOSPC/);
});

t.test('signal mid-file reports no partial line', async (t) => {
  const file = join(tmp, 'signal.ndjson');
  let text = '';
  for (let i = 0; i < 400_000; i++) text += `{"timestamp":${i},"source":"s${i % 50}","value":${i % 100}}\n`;
  writeFileSync(file, text);
  const child = spawn(process.execPath, [EVPROC_BIN, 'window', '--ms', '1', '--by', 'source', file], { env: { ...process.env, TZ: 'UTC' } });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.resume();
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.equal(code, 130);
  t.equal(err, '');
});

t.test('stats interval outside its range exits 2', async (t) => {
  for (const interval of ['0', '50ms', '30d']) {
    const result = await runCli(['window', '--ms', '1s', '--stats-interval', interval], { stdin: '' });
    t.equal(result.code, 2, interval);
    t.match(result.stderr, /invalid interval/);
  }
});

t.test('output that is the stdin file is rejected', async (t) => {
  const input = join(tmp, 'stdin-victim.ndjson');
  writeFileSync(input, lines({ timestamp: 1, value: 1 }));
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', `node "${EVPROC_BIN}" window --ms 1s --tee "${input}" < "${input}"`], { env: { ...process.env, TZ: 'UTC' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  t.equal(result.code, 2);
  t.match(result.stderr, 'is also the file read on stdin');
  t.equal(readFileSync(input, 'utf8'), lines({ timestamp: 1, value: 1 }), 'the input is untouched');
});

t.test('same file under two names is rejected', async (t) => {
  const input = join(tmp, 'twice.ndjson');
  writeFileSync(input, lines({ timestamp: 1, value: 1 }));
  const link = join(tmp, 'twice-link.ndjson');
  linkSync(input, link);
  const result = await runCli(['window', '--ms', '1s', input, link]);
  t.equal(result.code, 1);
  t.match(result.stderr, /are the same file/);
});

t.test('threads with interleaved inputs is rejected', async (t) => {
  const first = join(tmp, 'threads-a.ndjson');
  const second = join(tmp, 'threads-b.ndjson');
  writeFileSync(first, lines({ timestamp: 1, value: 1 }));
  writeFileSync(second, lines({ timestamp: 2, value: 1 }));
  const rejected = await runCli(['window', '--ms', '1s', '--threads', '2', first, second]);
  t.equal(rejected.code, 2);
  t.match(rejected.stderr, /Add --ordered or drop --threads/);
  const ordered = await runCli(['window', '--ms', '1s', '--threads', '2', '--ordered', first, second]);
  t.equal(ordered.code, 0);
  t.equal(parseLines(ordered.stdout)[0]!.event_count, 2);
});

for (const mode of [['--ordered'], ['--threads', '2']]) {
  t.test(`signal mid-file with ${mode[0]} reports no partial line`, async (t) => {
    const file = join(tmp, 'signal.ndjson');
    const child = spawn(process.execPath, [EVPROC_BIN, 'window', '--ms', '1', ...mode, file], { env: { ...process.env, TZ: 'UTC' } });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.resume();
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('close', resolve));
    t.equal(code, 143);
    t.notMatch(err, /invalid JSON|error/);
  });
}

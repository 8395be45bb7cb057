import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const lines = (...events: unknown[]) => events.map((event) => JSON.stringify(event)).join('\n') + '\n';

/** Spawns the CLI with piped stdio; the caller writes stdin at its own pace. */
function spawnCli(args: string[]): ChildProcessWithoutNullStreams & { stdoutText: () => string; stderrText: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [EVPROC_BIN, ...args], { env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return Object.assign(child, { stdoutText: () => stdout, stderrText: () => stderr, exited });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms; fails after `limitMs`, which is generous because the machines are shared. */
async function waitFor(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('five events with count 2 give 2, 2, 1', async (t) => {
  const input = lines(...[1, 2, 3, 4, 5].map((id) => ({ id })));
  const result = await runCli(['batch', '--count', '2'], { stdin: input });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  const batches = parseLines(result.stdout);
  t.same(
    batches.map((batch) => [batch.batch_id, batch.size, batch.events]),
    [
      [1, 2, [{ id: 1 }, { id: 2 }]],
      [2, 2, [{ id: 3 }, { id: 4 }]],
      [3, 1, [{ id: 5 }]],
    ],
  );
  for (const batch of batches) t.type(batch.created_at, 'number');
});

t.test('events keep their original text', async (t) => {
  // A split UTF-8 character, CRLF split across writes and a last line without a line end.
  const result = await runCli(['batch', '--count', '10'], {
    stdin: ['{"id":12345678901234567890,"v":1.50,"s":"\xe2', Buffer.from([0x82, 0xac]), '"}\r', '\n{"id":"b"}'].map((chunk) =>
      typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk,
    ),
  });
  t.equal(result.code, 0);
  t.match(result.stdout, /^\{"batch_id":1,"created_at":\d+,"size":2,"events":\[\{"id":12345678901234567890,"v":1.50,"s":"€"\},\{"id":"b"\}\]\}\n$/);
});

t.test('skipped lines are counted', async (t) => {
  const result = await runCli(['batch', '--count', '10', '--on-error', 'skip'], { stdin: '{"id":1}\nnot json\n[2]\n{"id":3}\n' });
  t.equal(result.code, 0);
  t.same(
    parseLines(result.stdout).map((batch) => batch.size),
    [2],
  );
  t.equal(result.stderr, 'evproc batch summary: received 4 events, delivered 1 batches, dropped 0, invalid 2, late 0\n');
});

t.test('invalid line fails with its place', async (t) => {
  const result = await runCli(['batch', '--count', '10'], { stdin: '{"id":1}\n{"id":\n' });
  t.equal(result.code, 1);
  t.match(result.stderr, /evproc batch: error: stdin:2: invalid JSON/);
});

t.test('json summary has the counters', async (t) => {
  const result = await runCli(['batch', '--count', '2', '--stats', '--stats-format', 'json'], { stdin: lines({ id: 1 }, { id: 2 }, { id: 3 }) });
  t.equal(result.code, 0);
  t.same(JSON.parse(result.stderr), { evproc: 'summary', command: 'batch', received: 3, delivered: 2, dropped: 0, invalid: 0, late: 0, delivered_unit: 'batches' });
});

t.test('usage errors exit 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--count', '0'], /option '--count <n>' argument '0' is invalid. expected a whole number of at least 1/],
    [['--count', '2000000'], /expected at most 1000000 events/],
    [['--ms', 'soon'], /invalid duration "soon"/],
    [['--to', 'mysql://localhost/x'], /invalid sink URL "mysql:\/\/localhost\/x": expected sqlite:PATH/],
    [['--to', 'sqlite:x.db?table=a;drop'], /invalid table name "a;drop"/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['batch', ...args], { stdin: '' });
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message, args.join(' '));
    t.equal(result.stdout, '', args.join(' '));
  }
});

t.test('help states units, defaults and exit codes', async (t) => {
  const result = await runCli(['batch', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--count <n>\s+maximum events per batch \(1 to 1000000\) \(default:\s+100\)/);
  t.match(result.stdout, /--ms <duration>\s+maximum time the first event of a batch waits:\s+milliseconds/);
  t.match(result.stdout, /\(default: 1s\)/);
  t.match(result.stdout, /sqlite:PATH\[\?table=NAME\]/);
  t.match(result.stdout, /Exit codes:\n\s+0\s+success/);
  t.match(result.stdout, /143\s+stopped by SIGTERM/);
});

t.test('timer batch is written while input stays open', async (t) => {
  const child = spawnCli(['batch', '--count', '100', '--ms', '200']);
  await sleep(1000);
  t.equal(child.stdoutText(), '', 'no batch while idle');
  child.stdin.write('{"id":"only"}\n');
  await waitFor(() => child.stdoutText().includes('\n'), 'the timer-closed batch');
  await sleep(500);
  child.stdin.end();
  t.equal(await child.exited, 0);
  const batches = parseLines(child.stdoutText());
  t.same(
    batches.map((batch) => [batch.batch_id, batch.size, batch.events]),
    [[1, 1, [{ id: 'only' }]]],
  );
});

t.test('events 200 ms apart stay in order', async (t) => {
  // Only order and sizes are asserted: when each batch closes depends on real timing.
  const child = spawnCli(['batch', '--count', '3', '--ms', '1000']);
  for (let i = 0; i < 10; i++) {
    child.stdin.write(`{"id":${i}}\n`);
    await sleep(200);
  }
  child.stdin.end();
  t.equal(await child.exited, 0);
  const batches = parseLines(child.stdoutText());
  t.same(
    batches.flatMap((batch) => (batch.events as Array<{ id: number }>).map((event) => event.id)),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  t.same(
    batches.map((batch) => batch.batch_id),
    batches.map((_, i) => i + 1),
  );
  t.ok(batches.every((batch) => (batch.size as number) >= 1 && (batch.size as number) <= 3));
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  t.test(`${signal} writes the open batch`, async (t) => {
    const child = spawnCli(['batch', '--count', '10', '--ms', '0', '--stats-interval', '50ms']);
    child.stdin.write(lines({ id: 1 }, { id: 2 }, { id: 3 }));
    await waitFor(() => child.stderrText().includes('received 3 events'), 'the three events to be read');
    t.equal(child.stdoutText(), '');
    child.kill(signal);
    t.equal(await child.exited, code);
    t.same(
      parseLines(child.stdoutText()).map((batch) => [batch.batch_id, batch.size]),
      [[1, 3]],
    );
    child.stdin.destroy();
  });
}

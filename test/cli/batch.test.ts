import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import t from 'tap';
import { sqliteTableDefinition } from '../../lib/sinks/sqlite-sink.js';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';
import { PG_URL, postgresUnavailable, query, uniqueTable } from '../sinks/postgres.js';

const tmp = mkdtempSync(join(tmpdir(), 'evproc-batch-'));

/** The sensor data, unpacked: 18,914 events with unique ids wsn-1 … wsn-18914. */
const sensorText = gunzipSync(readFileSync(new URL('../../data/wsn-single-hop.ndjson.gz', import.meta.url))).toString('utf8');
const sensorIds = sensorText
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => (JSON.parse(line) as { id: string }).id);

/** Returns a SHA-256 of the ids in sorted order, so two sets of ids compare with one string. */
function idChecksum(ids: string[]): string {
  return createHash('sha256').update([...ids].sort().join('\n')).digest('hex');
}

/** Splits text into chunks of `size` characters, to feed stdin in awkward pieces. */
function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

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
  t.equal(result.stderr, 'evproc batch summary: received 4 events, delivered 1 batch, dropped 0, invalid 2, late 0\n');
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
    [['--ms', '30d'], /invalid batch time limit "30d" \(2592000000 ms\): the longest is 2147483647 ms \(about 24.8 days\)/],
    [['--ms', '2147483648'], /the longest is 2147483647 ms/],
    [['--to', 'sqlite::memory:'], /^evproc batch: error: invalid sink URL "sqlite::memory:": an in-memory SQLite database is discarded when evproc exits/],
    [['--to', 'sqlite:x.db?table=a&table=b'], /the parameter "table" is given twice/],
    [['--to', 'postgres://postgres@127.0.0.1:5432/'], /^evproc batch: error: invalid sink URL "postgres:\/\/postgres@127.0.0.1:5432\/": the database name is missing/],
    [['--to', 'postgres://postgres@127.0.0.1:5432/test?table=a&table=b'], /the parameter "table" is given twice/],
    [['--to', 'postgres://postgres@127.0.0.1:5432/test?tabel=a'], /unknown parameter "tabel"/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['batch', ...args], { stdin: '' });
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message, args.join(' '));
    t.equal(result.stdout, '', args.join(' '));
  }
});

t.test('usage errors never show the password', async (t) => {
  const urls = [
    'postgres://postgres:s3cretpw@127.0.0.1:5432/test?table=bad-name',
    'postgres://postgres:s3cretpw@127.0.0.1:5432/',
    'postgres://postgres:s3cretpw@127.0.0.1:5432/test?nope=1',
    'postgres://postgres:s3cretpw@[::1/test',
  ];
  for (const url of urls) {
    const result = await runCli(['batch', '--to', url], { stdin: '{}\n' });
    t.equal(result.code, 2, url);
    t.match(result.stderr, /^evproc batch: error: invalid /, url);
    t.notMatch(result.stderr, 's3cretpw', url);
    t.equal(result.stdout, '', url);
  }
});

t.test('longest --ms is accepted', async (t) => {
  const result = await runCli(['batch', '--ms', '24d'], { stdin: lines({ id: 1 }, { id: 2 }) });
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '');
  t.same(
    parseLines(result.stdout).map((batch) => batch.size),
    [2],
    'both events in one batch, closed by the end of input',
  );
});

t.test('help states units, defaults and exit codes', async (t) => {
  const result = await runCli(['batch', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--count <n>\s+maximum events per batch \(1 to 1000000\);\s+the\s+open\s+batch\s+is\s+held\s+in\s+memory:\s+about\s+0.6\s+KB\s+per\s+event\s+of\s+100\s+bytes\s+\(default:\s+100\)/);
  t.match(result.stdout, /at most 24.8 days; 0 for no time limit/);
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
    const child = spawnCli(['batch', '--count', '10', '--ms', '0', '--stats-interval', '100ms']);
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

t.test('sensor data into SQLite once', async (t) => {
  const path = join(tmp, 'events.db');
  const result = await runCli(['batch', '--count', '500', '--to', `sqlite:${path}`, '--stats'], { stdin: chunksOf(sensorText, 100_003) });
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '');
  t.equal(result.stderr, 'evproc batch summary: received 18914 events, delivered 38 batches, dropped 0, invalid 0, late 0, rows 18914\n');
  const db = new Database(path, { readonly: true });
  const ids = (db.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((row) => row.id);
  const stats = db.prepare('SELECT count(DISTINCT id) AS ids, max(batch_id) AS batches, min(timestamp) AS first FROM events').get();
  const alerts = db.prepare("SELECT count(*) AS n FROM events WHERE event_type = 'Alert'").get();
  const sample = db.prepare("SELECT source, value, event FROM events WHERE id = 'wsn-1'").get() as { source: string; value: number; event: string };
  db.close();
  t.equal(ids.length, sensorIds.length);
  t.equal(idChecksum(ids), idChecksum(sensorIds));
  t.same(stats, { ids: 18914, batches: 38, first: 1273363200000 });
  t.same(alerts, { n: 149 });
  t.equal(sample.source, 'single-hop/mote-1');
  t.equal(sample.value, 27.97);
  t.equal(sample.event, sensorText.slice(0, sensorText.indexOf('\n')));
});

t.test('failed SQLite write stops the run', async (t) => {
  const path = join(tmp, 'trigger.db');
  const db = new Database(path);
  db.exec(sqliteTableDefinition('sensor'));
  // wsn-1200 is in batch 3 (events 1001 to 1500), so batches 1 and 2 are committed first.
  db.exec(`CREATE TRIGGER reject_one BEFORE INSERT ON sensor WHEN NEW.id = 'wsn-1200' BEGIN SELECT RAISE(ABORT, 'wsn-1200 rejected'); END`);
  db.close();
  const result = await runCli(['batch', '--count', '500', '--to', `sqlite:${path}?table=sensor`], { stdin: chunksOf(sensorText, 65_536) });
  t.equal(result.code, 1);
  t.match(result.stderr, /^evproc batch summary: received \d+ events, delivered 2 batches, dropped 0, invalid 0, late 0, rows 1000\n/);
  t.match(
    result.stderr,
    `evproc batch: error: failed to write batch 3 (500 events) to SQLite table "sensor" in ${path}: wsn-1200 rejected; the batch was rolled back, 2 earlier batches (1000 rows) stay committed\n`,
  );
  const check = new Database(path, { readonly: true });
  const count = check.prepare('SELECT count(*) AS n, max(batch_id) AS last FROM sensor').get();
  check.close();
  t.same(count, { n: 1000, last: 2 });
});

t.test('sqlite path in a missing directory', async (t) => {
  const path = join(tmp, 'missing', 'x.db');
  const result = await runCli(['batch', '--to', `sqlite:${path}`], { stdin: '{"id":1}\n' });
  t.equal(result.code, 1);
  t.match(result.stderr, `evproc batch: error: cannot open SQLite table "events" in ${path}: Cannot open database because the directory does not exist\n`);
});

t.test('U+0000 event goes to stdout unchanged', async (t) => {
  const result = await runCli(['batch'], { stdin: '{"id":"b\\u0000c"}\n' });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, '"events":[{"id":"b\\u0000c"}]');
});

t.test('PostgreSQL runs', async (t) => {
  const unavailable = await postgresUnavailable();
  if (unavailable !== undefined) {
    t.plan(0, unavailable);
    return;
  }
  const tables: string[] = [];
  t.teardown(async () => {
    for (const name of tables) await query(`DROP TABLE IF EXISTS "${name}"`);
  });

  t.test('sensor data into PostgreSQL once', async (t) => {
    const table = uniqueTable('cli_sensor');
    tables.push(table);
    const result = await runCli(['batch', '--count', '500', '--to', `${PG_URL}?table=${table}`, '--stats'], { stdin: chunksOf(sensorText, 100_003) });
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stderr, 'evproc batch summary: received 18914 events, delivered 38 batches, dropped 0, invalid 0, late 0, rows 18914\n');
    const ids = (await query<{ id: string }>(`SELECT id FROM "${table}"`)).map((row) => row.id);
    t.equal(ids.length, sensorIds.length);
    t.equal(idChecksum(ids), idChecksum(sensorIds));
    const [stats] = await query(`SELECT count(DISTINCT id)::int AS ids, max(batch_id)::int AS batches, sum((event->>'label')::int)::int AS labelled FROM "${table}"`);
    t.same(stats, { ids: 18914, batches: 38, labelled: 149 });
  });

  t.test('failed PostgreSQL write stops the run', async (t) => {
    const table = uniqueTable('cli_check');
    tables.push(table);
    await query(`CREATE TABLE "${table}" (batch_id BIGINT NOT NULL, id TEXT CHECK (id <> 'wsn-1200'), timestamp BIGINT, source TEXT, value DOUBLE PRECISION, event_type TEXT, event JSONB NOT NULL)`);
    const result = await runCli(['batch', '--count', '500', '--to', `${PG_URL}?table=${table}`], { stdin: chunksOf(sensorText, 65_536) });
    t.equal(result.code, 1);
    t.match(result.stderr, /^evproc batch summary: received \d+ events, delivered 2 batches, dropped 0, invalid 0, late 0, rows 1000\n/);
    t.match(result.stderr, `evproc batch: error: failed to write batch 3 (500 events) to PostgreSQL table "${table}" at postgres://127.0.0.1:5432/test: new row for relation "${table}" violates check constraint`);
    t.match(result.stderr, /the batch was rolled back, 2 earlier batches \(1000 rows\) stay committed\n$/);
    const [count] = await query(`SELECT count(*)::int AS n, max(batch_id)::int AS last FROM "${table}"`);
    t.same(count, { n: 1000, last: 2 });
  });

  t.test('U+0000 event fails with its line', async (t) => {
    const table = uniqueTable('cli_nul');
    tables.push(table);
    const result = await runCli(['batch', '--to', `${PG_URL}?table=${table}`], { stdin: ['{"id":"a"}\n{"id":"b\\u00', '00c"}\n{"id":"c"}\n'] });
    t.equal(result.code, 1);
    t.match(result.stderr, 'evproc batch: error: stdin:2: the event contains the character U+0000 (\\u0000 in JSON), which PostgreSQL cannot store in TEXT or JSONB. Fix the line, or run with --on-error skip');
    t.match(result.stderr, /invalid 1/);
  });

  t.test('U+0000 event is skipped and dead-lettered', async (t) => {
    const table = uniqueTable('cli_nul_skip');
    tables.push(table);
    const deadLetter = join(tmp, 'nul-dead.ndjson');
    const input = '{"id":"a"}\n{"id":"b","tags":["x\\u0000"]}\n{"id":"c","note":"\\\\u0000 is only text"}\n';
    const result = await runCli(['batch', '--on-error', 'skip', '--dead-letter', deadLetter, '--to', `${PG_URL}?table=${table}`], { stdin: input });
    t.equal(result.code, 0, result.stderr);
    t.equal(result.stderr, 'evproc batch summary: received 3 events, delivered 1 batch, dropped 0, invalid 1, late 0, rows 2\n');
    const rows = await query<{ id: string }>(`SELECT id FROM "${table}" ORDER BY id`);
    t.same(rows, [{ id: 'a' }, { id: 'c' }]);
    t.same(parseLines(readFileSync(deadLetter, 'utf8')), [
      {
        input: 'stdin',
        line: 2,
        reason: 'the event contains the character U+0000 (\\u0000 in JSON), which PostgreSQL cannot store in TEXT or JSONB',
        text: '{"id":"b","tags":["x\\u0000"]}',
      },
    ]);
  });

  t.test('unreachable server fails clearly', async (t) => {
    const result = await runCli(['batch', '--to', 'postgres://postgres:secret@127.0.0.1:1/test'], { stdin: '{"id":1}\n' });
    t.equal(result.code, 1);
    t.match(result.stderr, 'evproc batch: error: cannot open PostgreSQL table "events" at postgres://127.0.0.1:1/test: connect ECONNREFUSED 127.0.0.1:1\n');
    t.notMatch(result.stderr, 'secret');
  });
});

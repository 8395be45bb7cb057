import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import t from 'tap';
import { createBatcher } from '../../lib/batch/batcher.js';
import { createSqliteSink, sqliteTableDefinition } from '../../lib/sinks/sqlite-sink.js';

const tmp = mkdtempSync(join(tmpdir(), 'evproc-sqlite-'));

function events(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ id: `e${i}`, timestamp: 1_700_000_000_000 + i, source: `s${i % 3}`, value: i / 4, event_type: 'Metric', tags: { i } }));
}

function readRows(path: string, table = 'events'): Array<Record<string, unknown>> {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

t.test('batches become rows', async (t) => {
  const path = join(tmp, 'rows.db');
  const input = events(25);
  const sink = createSqliteSink({ path });
  await pipeline(Readable.from(input), createBatcher({ count: 10 }), sink);
  t.same(sink.stats, { batches: 3, rows: 25 });
  const rows = readRows(path);
  t.equal(rows.length, 25);
  t.same(rows[0], { batch_id: 1, id: 'e0', timestamp: 1_700_000_000_000, source: 's0', value: 0, event_type: 'Metric', event: JSON.stringify(input[0]) });
  t.same(rows[24], { batch_id: 3, id: 'e24', timestamp: 1_700_000_000_024, source: 's0', value: 6, event_type: 'Metric', event: JSON.stringify(input[24]) });
  t.same(
    rows.map((row) => row.id),
    input.map((event) => event.id),
  );
});

t.test('second run appends to the named table', async (t) => {
  const path = join(tmp, 'append.db');
  await pipeline(Readable.from(events(3)), createBatcher({ count: 2 }), createSqliteSink({ path, table: 'readings' }));
  await pipeline(Readable.from(events(4)), createBatcher({ count: 2 }), createSqliteSink({ path, table: 'readings' }));
  const rows = readRows(path, 'readings');
  t.equal(rows.length, 7);
  t.same(
    rows.map((row) => row.batch_id),
    [1, 1, 2, 1, 1, 2, 2],
  );
});

t.test('failing batch is rolled back whole', async (t) => {
  const path = join(tmp, 'trigger.db');
  const db = new Database(path);
  db.exec(sqliteTableDefinition('events'));
  db.exec(`CREATE TRIGGER reject_e25 BEFORE INSERT ON events WHEN NEW.id = 'e25' BEGIN SELECT RAISE(ABORT, 'e25 rejected by trigger'); END`);
  db.close();
  const sink = createSqliteSink({ path });
  await t.rejects(pipeline(Readable.from(events(50)), createBatcher({ count: 10 }), sink), {
    code: 'ERR_SINK_FAILED',
    message: `failed to write batch 3 (10 events) to SQLite table "events" in ${path}: e25 rejected by trigger; the batch was rolled back, 2 earlier batches (20 rows) stay committed`,
  });
  t.same(sink.stats, { batches: 2, rows: 20 });
  const rows = readRows(path);
  t.equal(rows.length, 20, 'e20 to e24 of batch 3 are not stored');
  t.equal(rows.at(-1)!.id, 'e19');
});

t.test('incompatible table fails the first batch', async (t) => {
  const path = join(tmp, 'schema.db');
  const db = new Database(path);
  db.exec('CREATE TABLE events (id TEXT, payload TEXT)');
  db.close();
  const sink = createSqliteSink({ path });
  await t.rejects(pipeline(Readable.from(events(5)), createBatcher({ count: 10 }), sink), {
    code: 'ERR_SINK_FAILED',
    message: /^cannot open SQLite table "events" in .*schema\.db: table events has no column named batch_id$/,
  });
  t.same(sink.stats, { batches: 0, rows: 0 });
});

t.test('missing directory fails on open', async (t) => {
  const path = join(tmp, 'no-such-dir', 'x.db');
  await t.rejects(pipeline(Readable.from(events(1)), createBatcher(), createSqliteSink({ path })), {
    code: 'ERR_SINK_FAILED',
    message: `cannot open SQLite table "events" in ${path}: Cannot open database because the directory does not exist`,
  });
});

t.test('odd characters survive', async (t) => {
  const path = join(tmp, 'text.db');
  const input = [{ id: "it's\t\"quoted\"\n\\", source: '€ 😀', value: -0.5 }];
  await pipeline(Readable.from(input), createBatcher(), createSqliteSink({ path }));
  const [row] = readRows(path);
  t.equal(row!.id, input[0]!.id);
  t.equal(row!.source, input[0]!.source);
  t.equal(row!.value, -0.5);
  t.same(JSON.parse(row!.event as string), input[0]);
});

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createBatcher } from '../../lib/batch/batcher.js';
import type { RawEvent } from '../../lib/batch/raw-event.js';
import { createPostgresSink, postgresTableDefinition, type PostgresSinkOptions } from '../../lib/sinks/postgres-sink.js';
import { PG_URL, postgresUnavailable, query, uniqueTable } from './postgres.js';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined) {
  t.plan(0, unavailable);
} else {
  const tables: string[] = [];
  const table = (prefix: string) => {
    const name = uniqueTable(prefix);
    tables.push(name);
    return name;
  };
  t.teardown(async () => {
    for (const name of tables) await query(`DROP TABLE IF EXISTS "${name}"`);
  });

  const events = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `e${i}`, timestamp: 1_700_000_000_000 + i, source: `s${i % 3}`, value: i / 4, event_type: 'Metric', tags: { i } }));

  const sinkOptions = (name: string): PostgresSinkOptions => ({ connectionString: PG_URL, table: name });

  t.test('batches become rows', async (t) => {
    const name = table('rows');
    const input = events(25);
    const sink = createPostgresSink(sinkOptions(name));
    await pipeline(Readable.from(input), createBatcher({ count: 10 }), sink);
    t.same(sink.stats, { batches: 3, rows: 25 });
    const rows = await query(`SELECT batch_id, id, timestamp, source, value, event_type, event FROM "${name}" ORDER BY timestamp`);
    t.equal(rows.length, 25);
    t.same(rows[0], { batch_id: '1', id: 'e0', timestamp: '1700000000000', source: 's0', value: 0, event_type: 'Metric', event: input[0] });
    t.same(rows[24], { batch_id: '3', id: 'e24', timestamp: '1700000000024', source: 's0', value: 6, event_type: 'Metric', event: input[24] });
  });

  t.test('odd characters survive', async (t) => {
    const name = table('text');
    const text = 'it\'s\t"quoted"\n\\N \\ \r € 😀';
    const raw: RawEvent = { event: { id: text, source: null, value: -0.5, big: 1 }, text: `{"id":${JSON.stringify(text)},"source":null,"value":-0.5,"big":12345678901234567890}` };
    const sink = createPostgresSink({ ...sinkOptions(name), items: 'raw-events' });
    await pipeline(Readable.from([{ batch_id: 1, created_at: 0, size: 1, events: [raw] }]), sink);
    const rows = await query<{ id: string; source: string | null; value: number; big: string }>(`SELECT id, source, value, event->>'big' AS big FROM "${name}"`);
    t.same(rows, [{ id: text, source: null, value: -0.5, big: '12345678901234567890' }]);
  });

  t.test('failing batch is rolled back whole', async (t) => {
    const name = table('check');
    await query(postgresTableDefinition(name));
    await query(`ALTER TABLE "${name}" ADD CONSTRAINT no_e25 CHECK (id <> 'e25')`);
    const sink = createPostgresSink(sinkOptions(name));
    await t.rejects(pipeline(Readable.from(events(50)), createBatcher({ count: 10 }), sink), {
      code: 'ERR_SINK_FAILED',
      message: new RegExp(
        `^failed to write batch 3 \\(10 events\\) to PostgreSQL table "${name}" at postgres://127\\.0\\.0\\.1:5432/test: ` +
          `new row for relation "${name}" violates check constraint "no_e25"; the batch was rolled back, 2 earlier batches \\(20 rows\\) stay committed$`,
      ),
    });
    t.same(sink.stats, { batches: 2, rows: 20 });
    const [count] = await query<{ n: string; last: string }>(`SELECT count(*) AS n, max(timestamp) AS last FROM "${name}"`);
    t.equal(count!.n, '20');
    t.equal(count!.last, '1700000000019');
  });

  t.test('incompatible table fails the first batch', async (t) => {
    const name = table('schema');
    await query(`CREATE TABLE "${name}" (id TEXT, payload TEXT)`);
    const sink = createPostgresSink(sinkOptions(name));
    await t.rejects(pipeline(Readable.from(events(5)), createBatcher({ count: 10 }), sink), {
      code: 'ERR_SINK_FAILED',
      message: `failed to write batch 1 (5 events) to PostgreSQL table "${name}" at postgres://127.0.0.1:5432/test: column "batch_id" of relation "${name}" does not exist; the batch was rolled back, 0 earlier batches (0 rows) stay committed`,
    });
    t.same(sink.stats, { batches: 0, rows: 0 });
  });

  t.test('U+0000 in event text names the event', async (t) => {
    const name = table('jsonb');
    const raws: RawEvent[] = [
      { event: { id: 'w' }, text: '{"id":"w","note":"\\\\u0000 is text"}' },
      { event: { id: 'x' }, text: '{"id":"x","nul":"\\u0000"}' },
    ];
    const sink = createPostgresSink({ ...sinkOptions(name), items: 'raw-events' });
    await t.rejects(pipeline(Readable.from([{ batch_id: 1, created_at: 0, size: 2, events: raws }]), sink), {
      code: 'ERR_SINK_FAILED',
      message:
        `failed to write batch 1 (2 events) to PostgreSQL table "${name}" at postgres://127.0.0.1:5432/test: ` +
        'event 2 of the batch (id "x"): the event contains the character U+0000 (\\u0000 in JSON), which PostgreSQL cannot store in TEXT or JSONB; ' +
        'the batch was rolled back, 0 earlier batches (0 rows) stay committed',
    });
    t.same(sink.stats, { batches: 0, rows: 0 });
  });

  t.test('U+0000 in an event field names the event', async (t) => {
    const name = table('nul');
    const input = [...events(12)];
    input[11] = { ...input[11]!, source: 'a\u0000b' };
    const sink = createPostgresSink(sinkOptions(name));
    await t.rejects(pipeline(Readable.from(input), createBatcher({ count: 10 }), sink), {
      code: 'ERR_SINK_FAILED',
      message: /^failed to write batch 2 \(2 events\) to PostgreSQL table .*: event 2 of the batch \(id "e11"\): the event contains the character U\+0000 .*; the batch was rolled back, 1 earlier batches \(10 rows\) stay committed$/,
    });
    t.same(sink.stats, { batches: 1, rows: 10 });
    const [count] = await query<{ n: string }>(`SELECT count(*) AS n FROM "${name}"`);
    t.equal(count!.n, '10');
  });

  t.test('closed port fails on open', async (t) => {
    // Port 1 on loopback has no server, so the connection is refused at once.
    const sink = createPostgresSink({ connectionString: 'postgres://postgres:secret@127.0.0.1:1/test', table: 'never' });
    await t.rejects(pipeline(Readable.from(events(1)), createBatcher(), sink), {
      code: 'ERR_SINK_FAILED',
      message: 'cannot open PostgreSQL table "never" at postgres://127.0.0.1:1/test: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
}

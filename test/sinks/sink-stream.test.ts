import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createBatcher } from '../../lib/batch/batcher.js';
import type { EventRow } from '../../lib/sinks/event-table.js';
import { SinkStream, type BatchSink } from '../../lib/sinks/sink.js';

/** A sink whose commits the test releases one by one, like a slow database. */
class GatedSink implements BatchSink {
  readonly target = 'test table "gated"';
  readonly committed: EventRow[][] = [];
  readonly pending: Array<{ rows: EventRow[]; commit: () => void; fail: (err: Error) => void }> = [];
  closed = 0;

  async open(): Promise<void> {}

  writeRows(rows: EventRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        rows,
        commit: () => {
          this.committed.push(rows);
          resolve();
        },
        fail: reject,
      });
    });
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function events(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ id: `e${i}`, timestamp: 1000 + i, source: 's', value: i / 2, event_type: 'Metric' }));
}

t.test('next batch waits for the commit', async (t) => {
  const sink = new GatedSink();
  const stream = new SinkStream(sink);
  const batcher = createBatcher({ count: 10, highWaterMark: 1 });
  const done = pipeline(Readable.from(events(1000)), batcher, stream);
  for (let i = 0; i < 20; i++) await tick();
  // One batch in the sink, one waiting in its buffer, one in the batcher's readable buffer, one more produced by the read in progress.
  t.equal(sink.pending.length, 1, 'one write at a time');
  t.ok(batcher.stats.batches <= 4, `batches produced while the first write waits: ${batcher.stats.batches}`);
  t.equal(stream.stats.batches, 0);

  while (sink.committed.length < 100) {
    const next = sink.pending.shift();
    if (next === undefined) {
      await tick();
      continue;
    }
    next.commit();
    await tick();
    t.ok(batcher.stats.batches - sink.committed.length <= 4, 'produced batches stay within 4 of committed ones');
  }
  await done;
  t.same(stream.stats, { batches: 100, rows: 1000 });
  t.equal(sink.closed >= 1, true);
});

t.test('control without backpressure runs ahead', async (t) => {
  // The same setup with a Writable that acknowledges before the commit: the batcher runs far ahead, which the check above catches.
  const sink = new GatedSink();
  const early = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(batch: { events: unknown[] }, _encoding, callback) {
      void sink.writeRows([]);
      callback();
    },
  });
  const batcher = createBatcher({ count: 10, highWaterMark: 1 });
  await pipeline(Readable.from(events(1000)), batcher, early);
  t.equal(batcher.stats.batches, 100);
  t.equal(sink.committed.length, 0);
  t.ok(batcher.stats.batches - sink.committed.length > 4);
});

t.test('failed write counts only committed rows', async (t) => {
  const sink = new GatedSink();
  const stream = new SinkStream(sink);
  const done = pipeline(Readable.from(events(25)), createBatcher({ count: 10 }), stream);
  await t.rejects(
    (async () => {
      while (sink.pending.length === 0) await tick();
      sink.pending.shift()!.commit();
      while (sink.pending.length === 0) await tick();
      sink.pending.shift()!.fail(new Error('disk full'));
      await done;
    })(),
    {
      code: 'ERR_SINK_FAILED',
      message: 'failed to write batch 2 (10 events) to test table "gated": disk full; the batch was rolled back, 1 earlier batches (10 rows) stay committed',
    },
  );
  t.same(stream.stats, { batches: 1, rows: 10 });
  t.ok(sink.closed >= 1, 'sink closed after the failure');
});

t.test('failed open names the target', async (t) => {
  const sink = new GatedSink();
  sink.open = async () => {
    throw new Error('connection refused');
  };
  await t.rejects(pipeline(Readable.from(events(3)), createBatcher({ count: 10 }), new SinkStream(sink)), {
    code: 'ERR_SINK_FAILED',
    message: 'cannot open test table "gated": connection refused',
  });
});

t.test('rows carry the known fields', async (t) => {
  const sink = new GatedSink();
  const stream = new SinkStream(sink, { timeUnit: 's' });
  const input = [
    { id: 'a', timestamp: 1.5, source: 'x', value: 2.5, event_type: 'Alert', extra: [1] },
    { id: 7, timestamp: '2024-01-01T00:00:00Z', source: { nested: 1 }, value: '3', event_type: null },
    { timestamp: 'yesterday', value: Number.MAX_VALUE },
    { timestamp: 1e300 },
  ];
  const done = pipeline(Readable.from(input), createBatcher({ count: 10 }), stream);
  while (sink.pending.length === 0) await tick();
  sink.pending[0]!.commit();
  await done;
  t.same(sink.committed[0], [
    { batch_id: 1, id: 'a', timestamp: 1500, source: 'x', value: 2.5, event_type: 'Alert', event: JSON.stringify(input[0]) },
    { batch_id: 1, id: '7', timestamp: 1704067200000, source: null, value: null, event_type: null, event: JSON.stringify(input[1]) },
    { batch_id: 1, id: null, timestamp: null, source: null, value: Number.MAX_VALUE, event_type: null, event: JSON.stringify(input[2]) },
    { batch_id: 1, id: null, timestamp: null, source: null, value: null, event_type: null, event: JSON.stringify(input[3]) },
  ]);
});

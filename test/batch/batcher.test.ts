import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { BatchOperator, createBatcher, MAX_BATCH_MS, type Batch, type BatcherOptions } from '../../lib/batch/batcher.js';
import { BatchLineOperator, RawEventParseOperator } from '../../lib/batch/raw-event.js';
import { FakeClock } from '../../lib/clock.js';
import { OperatorTransform } from '../../lib/core/operator-transform.js';
import { InvalidOptionError } from '../../lib/errors.js';
import type { Event } from '../../lib/event/event.js';

/** A batch operator wired to an array, on a FakeClock starting at 0. */
function collect(options: BatcherOptions = {}) {
  const clock = new FakeClock(0);
  const batches: Array<Batch<Event>> = [];
  let ended = 0;
  const operator = new BatchOperator<Event>({ clock, ...options });
  operator.next = { push: (batch) => batches.push(batch), drain() {}, end: () => void ended++ };
  return { clock, batches, operator, ended: () => ended };
}

const ids = (batches: Array<Batch<Event>>) => batches.map((batch) => batch.events.map((event) => event.id));

t.test('count closes batches of 2, 2, 1', async (t) => {
  const { batches, operator, ended } = collect({ count: 2 });
  for (let i = 0; i < 5; i++) operator.push({ id: i });
  t.same(ids(batches), [[0, 1], [2, 3]]);
  operator.end();
  t.same(ids(batches), [[0, 1], [2, 3], [4]]);
  t.same(
    batches.map((batch) => [batch.batch_id, batch.size]),
    [
      [1, 2],
      [2, 2],
      [3, 1],
    ],
  );
  t.equal(ended(), 1);
});

t.test('events 200 ms apart close by count', async (t) => {
  const { clock, batches, operator } = collect({ count: 3, ms: 1000 });
  for (let i = 0; i < 10; i++) {
    operator.push({ id: i });
    clock.advance(200);
  }
  t.same(ids(batches), [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
  t.same(
    batches.map((batch) => batch.created_at),
    [400, 1000, 1600],
  );
  operator.end();
  t.same(ids(batches).at(-1), [9]);
  t.equal(batches.at(-1)!.created_at, 2000);
});

t.test('timer closes a batch and is not restarted', async (t) => {
  const { clock, batches, operator } = collect({ count: 3, ms: 1000 });
  // Events at 0, 600, 1200, 1800, 2400: the timer of each batch runs from its first event.
  for (let i = 0; i < 5; i++) {
    operator.push({ id: i });
    clock.advance(600);
  }
  t.same(ids(batches), [
    [0, 1],
    [2, 3],
  ]);
  t.same(
    batches.map((batch) => batch.created_at),
    [1000, 2200],
  );
  clock.advance(400);
  t.same(ids(batches).at(-1), [4]);
  t.equal(batches.at(-1)!.created_at, 3400);
});

t.test('idle input gives no empty batch', async (t) => {
  const { clock, batches, operator } = collect({ count: 100, ms: 200 });
  clock.advance(5000);
  t.equal(batches.length, 0);
  t.equal(clock.pendingTimers, 0);
  operator.push({ id: 'a' });
  clock.advance(1000);
  t.same(ids(batches), [['a']]);
  t.equal(batches[0]!.created_at, 5200);
  t.equal(clock.pendingTimers, 0);
  clock.advance(10_000);
  operator.end();
  t.equal(batches.length, 1);
});

t.test('count close clears the timer', async (t) => {
  const { clock, batches, operator } = collect({ count: 2, ms: 100 });
  operator.push({ id: 1 });
  t.equal(clock.pendingTimers, 1);
  operator.push({ id: 2 });
  t.equal(clock.pendingTimers, 0);
  clock.advance(1000);
  t.equal(batches.length, 1);
});

t.test('end without events emits nothing', async (t) => {
  const { batches, operator, ended } = collect({ count: 2, ms: 100 });
  operator.end();
  t.equal(batches.length, 0);
  t.equal(ended(), 1);
});

t.test('end clears the pending timer', async (t) => {
  const { clock, batches, operator } = collect({ count: 10, ms: 100 });
  operator.push({ id: 1 });
  operator.end();
  t.equal(clock.pendingTimers, 0);
  clock.advance(1000);
  t.equal(batches.length, 1);
});

t.test('no time limit waits for count', async (t) => {
  const { clock, batches, operator } = collect({ count: 2 });
  operator.push({ id: 1 });
  t.equal(clock.pendingTimers, 0);
  clock.advance(1e9);
  t.equal(batches.length, 0);
  t.equal(operator.stats.buffered, 1);
});

t.test('stats count events and batches', async (t) => {
  const { operator } = collect({ count: 3 });
  for (let i = 0; i < 7; i++) operator.push({ id: i });
  t.same(operator.stats, { events: 7, batches: 2, buffered: 1 });
  operator.end();
  t.same(operator.stats, { events: 7, batches: 3, buffered: 0 });
});

t.test('invalid options are rejected', async (t) => {
  const cases: Array<[BatcherOptions, RegExp]> = [
    [{ count: 0 }, /invalid batch count 0/],
    [{ count: 1.5 }, /invalid batch count 1.5/],
    [{ count: 2_000_000 }, /from 1 to 1000000/],
    [{ ms: 0 }, /invalid batch time limit 0/],
    [{ ms: -5 }, /invalid batch time limit -5/],
    [{ ms: Number.NaN }, /invalid batch time limit NaN/],
    [{ ms: MAX_BATCH_MS + 1 }, /invalid batch time limit 2147483648: expected a whole number of milliseconds from 1 to 2147483647 \(about 24.8 days/],
    [{ ms: 30 * 86_400_000 }, /invalid batch time limit 2592000000/],
  ];
  for (const [options, message] of cases) {
    t.throws(() => new BatchOperator(options), InvalidOptionError, JSON.stringify(options));
    t.throws(() => new BatchOperator(options), message);
  }
});

t.test('longest time limit holds the batch', async (t) => {
  const { clock, batches, operator } = collect({ count: 10, ms: MAX_BATCH_MS });
  operator.push({ id: 1 });
  clock.advance(MAX_BATCH_MS - 1);
  operator.push({ id: 2 });
  t.equal(batches.length, 0, 'nothing closes before the limit');
  clock.advance(1);
  t.same(ids(batches), [[1, 2]]);
});

t.test('options object is not changed', async (t) => {
  const options = { count: 5, ms: 100 };
  createBatcher(options).destroy();
  t.same(options, { count: 5, ms: 100 });
});

t.test('createBatcher runs in a pipeline', async (t) => {
  const batcher = createBatcher({ count: 4, clock: new FakeClock(42) });
  const out: Array<Batch<Event>> = [];
  await pipeline(
    Readable.from(Array.from({ length: 10 }, (_, i) => ({ id: i }))),
    batcher,
    new Writable({
      objectMode: true,
      write(batch: Batch<Event>, _encoding, callback) {
        out.push(batch);
        callback();
      },
    }),
  );
  t.same(
    out.map((batch) => [batch.batch_id, batch.created_at, batch.size]),
    [
      [1, 42, 4],
      [2, 42, 4],
      [3, 42, 2],
    ],
  );
  t.same(batcher.stats, { events: 10, batches: 3, buffered: 0 });
});

t.test('timer batch is readable at once', async (t) => {
  const clock = new FakeClock(0);
  const batcher = createBatcher({ count: 10, ms: 500, clock });
  batcher.write({ id: 1 });
  batcher.write({ id: 2 });
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(batcher.read(), null);
  clock.advance(500);
  const batch = batcher.read() as Batch<Event> | null;
  t.same(batch, { batch_id: 1, created_at: 500, size: 2, events: [{ id: 1 }, { id: 2 }] });
  batcher.destroy();
});

t.test('destroy stops the timer', async (t) => {
  const clock = new FakeClock(0);
  const batcher = createBatcher({ count: 10, ms: 500, clock });
  batcher.write({ id: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(clock.pendingTimers, 1);
  batcher.destroy();
  await new Promise((resolve) => batcher.once('close', resolve));
  t.equal(clock.pendingTimers, 0);
  t.equal(batcher.stats.buffered, 0);
});

t.test('timer error goes to onTimerError', async (t) => {
  const clock = new FakeClock(0);
  const operator = new BatchOperator<Event>({ count: 10, ms: 500, clock });
  let caught: unknown;
  operator.onTimerError = (err) => {
    caught = err;
  };
  operator.next = {
    push() {
      throw new Error('downstream failed');
    },
    drain() {},
    end() {},
  };
  operator.push({ id: 1 });
  clock.advance(500);
  t.match(caught, { message: 'downstream failed' });
  t.equal(clock.pendingTimers, 0);
});

t.test('timer batch line reaches fused NDJSON output', async (t) => {
  // The NDJSON writer joins lines until drain(); a timer-closed batch must not wait for the next input chunk.
  const clock = new FakeClock(1000);
  const parse = new RawEventParseOperator();
  const batcher = new BatchOperator({ count: 10, ms: 250, clock });
  const stage = new OperatorTransform([parse, batcher, new BatchLineOperator()], { writableObjectMode: true, readableObjectMode: false });
  const chunks: string[] = [];
  stage.on('data', (chunk: Buffer | string) => chunks.push(chunk.toString()));
  stage.write({ input: 'stdin', data: Buffer.from('{"id":1}\n{"id":12345678901234567890, "v":1.50}\n') });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(chunks, []);
  clock.advance(250);
  await new Promise((resolve) => setImmediate(resolve));
  t.same(chunks, ['{"batch_id":1,"created_at":1250,"size":2,"events":[{"id":1},{"id":12345678901234567890, "v":1.50}]}\n']);
  stage.destroy();
});

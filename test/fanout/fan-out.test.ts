import { Readable, Writable } from 'node:stream';
import t from 'tap';
import { FakeClock } from '../../lib/clock.js';
import { createFanOut, fanOut } from '../../lib/fanout/fan-out.js';

const COUNT = 1000;
const HIGH_WATER_MARK = 8;

function items(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/** Creates a consumer that stores what it gets and calls each write back at once. */
function fastConsumer(): Writable & { received: number[] } {
  const received: number[] = [];
  const stream = new Writable({
    objectMode: true,
    highWaterMark: HIGH_WATER_MARK,
    write(item: number, _encoding, callback) {
      received.push(item);
      callback();
    },
  });
  return Object.assign(stream, { received });
}

/** Creates a consumer that takes 10 ms of FakeClock time per item. */
function slowConsumer(clock: FakeClock, onWrite: () => void): Writable & { received: number[] } {
  const received: number[] = [];
  const stream = new Writable({
    objectMode: true,
    highWaterMark: HIGH_WATER_MARK,
    write(item: number, _encoding, callback) {
      onWrite();
      clock.setTimeout(() => {
        received.push(item);
        callback();
      }, 10);
    },
  });
  return Object.assign(stream, { received });
}

/** Advances the clock 10 ms per turn of the event loop until `done` settles. */
async function driveClock(clock: FakeClock, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10);
  }
}

t.test('shared fan-out paces at the slowest branch', async (t) => {
  const clock = new FakeClock();
  let maxBuffered = 0;
  let maxLead = 0;
  let samples = 0;
  const sample = (): void => {
    samples++;
    maxBuffered = Math.max(maxBuffered, slow.writableLength, fast.writableLength);
    maxLead = Math.max(maxLead, fast.received.length - slow.received.length);
  };
  const fast = fastConsumer();
  const slow = slowConsumer(clock, sample);
  const done = fanOut(Readable.from(items(COUNT)), [
    { name: 'fast', streams: fast },
    { name: 'slow', streams: slow },
  ], { mode: 'shared' });
  await Promise.all([done, driveClock(clock, done)]);
  t.same(fast.received, items(COUNT), 'fast branch gets every item in order');
  t.same(slow.received, items(COUNT), 'slow branch gets every item in order');
  t.equal(samples, COUNT);
  t.ok(maxBuffered <= HIGH_WATER_MARK, `max buffered ${maxBuffered} stays within the highWaterMark ${HIGH_WATER_MARK}`);
  t.ok(maxBuffered > 1, 'the sample sees the branch buffer in use');
  t.ok(maxLead <= HIGH_WATER_MARK, `the fast branch runs at most ${maxLead} items ahead of the slow one`);
});

t.test('writes without waiting overfill the slow branch', async (t) => {
  // The broken control: a tee that ignores write()'s return value.
  const clock = new FakeClock();
  const slow = slowConsumer(clock, () => {});
  for (const item of items(COUNT)) slow.write(item);
  t.equal(slow.writableLength, COUNT, 'every item waits in the slow branch');
  const ended = new Promise((resolve) => slow.end(resolve));
  await Promise.all([ended, driveClock(clock, ended)]);
});

t.test('independent fan-out drops for a stalled branch', async (t) => {
  const fast = fastConsumer();
  const pending: Array<() => void> = [];
  let stalled = true;
  const stalledReceived: number[] = [];
  const stalledConsumer = new Writable({
    objectMode: true,
    highWaterMark: 4,
    write(item: number, _encoding, callback) {
      stalledReceived.push(item);
      if (stalled) pending.push(callback);
      else callback();
    },
  });
  const fan = createFanOut(
    [
      { name: 'fast', streams: fast },
      { name: 'stalled', streams: stalledConsumer, buffer: { capacity: 10, policy: 'drop-newest' } },
    ],
    { mode: 'independent', buffer: { capacity: 100, policy: 'drop-oldest' } },
  );
  const source = Readable.from(items(COUNT));
  source.pipe(fan);
  const done = new Promise<void>((resolve, reject) => {
    fan.once('finish', resolve);
    fan.once('error', reject);
  });
  for (let turn = 0; turn < 10_000 && fast.received.length < COUNT; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.same(fast.received, items(COUNT), 'fast branch gets every item while the other stalls');
  const [fastStats, stalledStats] = fan.stats.branches;
  t.equal(fastStats!.buffer!.dropped, 0);
  t.equal(stalledStats!.written, COUNT);
  const stats = { ...stalledStats!.buffer! };
  t.equal(stats.received, COUNT);
  t.equal(stats.buffered, 10, 'the stalled buffer is full at its capacity');
  t.equal(stalledConsumer.writableLength, 4, 'the consumer queue is full at its highWaterMark, the stalled write included');
  t.equal(stats.delivered, 5, 'delivered: the 4 items in the consumer queue and 1 pushed to the paused pipe');
  t.equal(stats.dropped, COUNT - 5 - 10);
  t.equal(stats.received, stats.delivered + stats.dropped + stats.buffered);
  t.equal(pending.length, 1, 'the stalled consumer still holds its first write');

  stalled = false;
  pending.shift()!();
  await done;
  t.equal(stalledStats!.buffer!.dropped, stats.dropped, 'nothing more is dropped once the branch drains');
  t.equal(stalledReceived.length, COUNT - stats.dropped);
  t.same(stalledReceived.slice(0, 3), [0, 1, 2], 'drop-newest keeps the first items');
});

t.test('required branch error fails the fan-out', async (t) => {
  const fast = fastConsumer();
  const failing = new Writable({
    objectMode: true,
    write(item: number, _encoding, callback) {
      callback(item === 5 ? new Error('disk full') : null);
    },
  });
  await t.rejects(
    fanOut(Readable.from(items(COUNT)), [
      { name: 'fast', streams: fast },
      { name: 'failing', streams: failing },
    ], { mode: 'shared' }),
    { message: 'disk full' },
  );
  t.equal(fast.destroyed, true, 'the other branch is torn down');
  t.ok(fast.received.length < COUNT);
});

t.test('optional branch error detaches it', async (t) => {
  const fast = fastConsumer();
  const failing = new Writable({
    objectMode: true,
    write(item: number, _encoding, callback) {
      callback(item === 5 ? new Error('disk full') : null);
    },
  });
  const fan = createFanOut(
    [
      { name: 'fast', streams: fast },
      { name: 'failing', streams: failing, optional: true },
    ],
    { mode: 'shared' },
  );
  const detached: string[] = [];
  fan.on('detach', (name: string, err: Error) => detached.push(`${name}: ${err.message}`));
  const done = new Promise((resolve, reject) => {
    fan.once('finish', resolve);
    fan.once('error', reject);
  });
  Readable.from(items(COUNT)).pipe(fan);
  await done;
  t.same(fast.received, items(COUNT));
  t.same(detached, ['failing: disk full']);
  const failingStats = fan.stats.branches[1]!;
  t.equal(failingStats.detached, true);
  t.equal(failingStats.error?.message, 'disk full');
  t.equal(failingStats.written, 6, 'the branch got items up to the one that failed');
});

t.test('fan-out branch may be a chain of streams', async (t) => {
  const { Transform } = await import('node:stream');
  const doubled = fastConsumer();
  const double = new Transform({
    objectMode: true,
    transform(item: number, _encoding, callback) {
      callback(null, item * 2);
    },
  });
  await fanOut(Readable.from(items(5)), [{ name: 'double', streams: [double, doubled] }], { mode: 'shared' });
  t.same(doubled.received, [0, 2, 4, 6, 8]);
});

t.test('fan-out rejects invalid options', async (t) => {
  t.throws(() => createFanOut([], { mode: 'shared' }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => createFanOut([{ name: 'a', streams: fastConsumer() }], { mode: 'both' as 'shared' }), { message: /invalid fan-out mode "both"/ });
  t.throws(
    () =>
      createFanOut(
        [
          { name: 'a', streams: fastConsumer() },
          { name: 'a', streams: fastConsumer() },
        ],
        { mode: 'shared' },
      ),
    { message: /branch name "a" is used twice/ },
  );
});

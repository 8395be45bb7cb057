import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createBuffer, type BufferOptions } from '../../lib/buffer/create-buffer.js';
import type { BufferStats } from '../../lib/buffer/buffer-stats.js';

const EVENTS = ['e1', 'e2', 'e3', 'e4', 'e5'].map((id) => ({ id }));

function checkInvariant(t: Tap.Test, stats: BufferStats, step: string): void {
  t.equal(stats.received, stats.delivered + stats.dropped + stats.buffered, `received = delivered + dropped + buffered after ${step}`);
}

/** Writes every event while no consumer reads, then reads everything; checks the counters after each step. */
async function pausedConsumer(t: Tap.Test, options: BufferOptions, events: object[] = EVENTS) {
  const buffer = createBuffer<object>(options);
  const accepted: boolean[] = [];
  let callbacks = 0;
  for (const event of events) {
    accepted.push(buffer.write(event, () => callbacks++));
    checkInvariant(t, buffer.stats, `writing ${JSON.stringify(event)}`);
    t.ok(buffer.stats.buffered <= options.capacity, 'buffered stays within the capacity');
  }
  const duringPause = { ...buffer.stats };
  buffer.end();
  const output: object[] = [];
  for await (const item of buffer) {
    output.push(item as object);
    checkInvariant(t, buffer.stats, `reading ${JSON.stringify(item)}`);
  }
  return { output, stats: buffer.stats, duringPause, accepted, callbacks };
}

t.test('drop-oldest keeps the newest', async (t) => {
  const { output, stats, duringPause } = await pausedConsumer(t, { capacity: 3, policy: 'drop-oldest' });
  t.same(output, [{ id: 'e3' }, { id: 'e4' }, { id: 'e5' }]);
  t.same(duringPause, { received: 5, delivered: 0, dropped: 2, buffered: 3 });
  t.same(stats, { received: 5, delivered: 3, dropped: 2, buffered: 0 });
});

t.test('drop-newest keeps the oldest', async (t) => {
  const { output, stats, duringPause } = await pausedConsumer(t, { capacity: 3, policy: 'drop-newest' });
  t.same(output, [{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }]);
  t.same(duringPause, { received: 5, delivered: 0, dropped: 2, buffered: 3 });
  t.same(stats, { received: 5, delivered: 3, dropped: 2, buffered: 0 });
});

t.test('dropping policies accept every write at once', async (t) => {
  for (const policy of ['drop-oldest', 'drop-newest'] as const) {
    const buffer = createBuffer({ capacity: 2, policy });
    let callbacks = 0;
    for (let i = 0; i < 10; i++) {
      t.equal(buffer.write({ i }, () => callbacks++), true, `${policy} write ${i} returns true`);
    }
    await new Promise((resolve) => setImmediate(resolve));
    t.equal(callbacks, 10, `${policy} called every write callback`);
    t.equal(buffer.stats.buffered, 2);
    t.equal(buffer.stats.dropped, 8);
    buffer.destroy();
  }
});

t.test('block holds writers and drops nothing', async (t) => {
  const { output, stats, duringPause } = await pausedConsumer(t, { capacity: 3, policy: 'block' });
  t.same(output, EVENTS);
  t.same(duringPause, { received: 3, delivered: 0, dropped: 0, buffered: 3 });
  t.same(stats, { received: 5, delivered: 5, dropped: 0, buffered: 0 });
});

t.test('block callbacks wait for the reader', async (t) => {
  const buffer = createBuffer<object>({ capacity: 2, policy: 'block' });
  const done: string[] = [];
  for (const event of EVENTS) buffer.write(event, () => done.push(event.id));
  await new Promise((resolve) => setImmediate(resolve));
  t.same(done, ['e1', 'e2'], 'only the stored items are acknowledged');
  t.equal(buffer.writableLength, 3, 'e3 waits in _write, e4 and e5 in the writable queue');
  t.same(buffer.read(), { id: 'e1' });
  checkInvariant(t, buffer.stats, 'one read');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(done, ['e1', 'e2', 'e3']);
  t.equal(buffer.stats.buffered, 2);
  buffer.destroy();
});

t.test('sample with a seed is repeatable', async (t) => {
  const events = Array.from({ length: 20 }, (_, i) => ({ i }));
  const first = await pausedConsumer(t, { capacity: 100, policy: 'sample', rate: 0.5, seed: 42 }, events);
  const second = await pausedConsumer(t, { capacity: 100, policy: 'sample', rate: 0.5, seed: 42 }, events);
  const other = await pausedConsumer(t, { capacity: 100, policy: 'sample', rate: 0.5, seed: 7 }, events);
  const kept = first.output.map((event) => (event as { i: number }).i);
  t.same(kept, [1, 4, 6, 9, 10, 13, 14, 18, 19]);
  t.same(second.output, first.output, 'same seed, same items');
  t.notSame(other.output, first.output, 'another seed keeps other items');
  t.same(first.stats, { received: 20, delivered: 9, dropped: 11, buffered: 0 });
});

t.test('sample drops when full', async (t) => {
  const { output, stats } = await pausedConsumer(t, { capacity: 2, policy: 'sample', rate: 1, seed: 1 });
  t.same(output, [{ id: 'e1' }, { id: 'e2' }]);
  t.same(stats, { received: 5, delivered: 2, dropped: 3, buffered: 0 });
});

t.test('sample-above sheds only above the fill level', async (t) => {
  const events = Array.from({ length: 10 }, (_, i) => ({ i }));
  // Threshold 0.5 * 4 = 2 items: the third item arrives at fill 2 (kept), the fourth at fill 3 (sampled).
  const { output, stats } = await pausedConsumer(t, { capacity: 4, policy: 'sample', rate: 1e-9, seed: 3, sampleAbove: 0.5 }, events);
  t.same(output, [{ i: 0 }, { i: 1 }, { i: 2 }]);
  t.same(stats, { received: 10, delivered: 3, dropped: 7, buffered: 0 });
});

t.test('sample-above sheds nothing when the reader keeps up', async (t) => {
  const buffer = createBuffer<object>({ capacity: 4, policy: 'sample', rate: 1e-9, seed: 3, sampleAbove: 0 });
  const output: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    buffer.write({ i });
    output.push(buffer.read());
  }
  t.equal(output.length, 50);
  t.same(output.at(-1), { i: 49 });
  t.same(buffer.stats, { received: 50, delivered: 50, dropped: 0, buffered: 0 });
  buffer.destroy();
});

t.test('slow pipeline reader keeps memory at capacity', async (t) => {
  const capacity = 8;
  const buffer = createBuffer<object>({ capacity, policy: 'drop-oldest' });
  let maxBuffered = 0;
  const received: number[] = [];
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < 2000; i++) {
        maxBuffered = Math.max(maxBuffered, buffer.stats.buffered);
        yield { i };
      }
    })(),
  );
  const slow = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(item: { i: number }, _encoding, callback) {
      received.push(item.i);
      setTimeout(callback, 1);
    },
  });
  await pipeline(source, buffer, slow);
  t.ok(maxBuffered <= capacity, `buffered never above ${capacity} (max ${maxBuffered})`);
  t.ok(buffer.stats.dropped > 0, 'the slow reader caused drops');
  t.equal(buffer.stats.received, 2000);
  t.equal(buffer.stats.delivered, received.length);
  t.equal(buffer.stats.delivered + buffer.stats.dropped, 2000);
  t.equal(buffer.stats.buffered, 0);
  t.equal(received.at(-1), 1999, 'drop-oldest delivers the newest item last');
  t.same(received, [...received].sort((a, b) => a - b), 'order is kept');
});

t.test('ndjson output joins lines', async (t) => {
  const buffer = createBuffer<string>({ capacity: 10, policy: 'drop-oldest', ndjsonOutput: true });
  for (const line of ['{"id":12345678901234567890}', '{"a":1}', '{}']) buffer.write(line);
  buffer.end();
  let text = '';
  for await (const chunk of buffer) text += String(chunk);
  t.equal(text, '{"id":12345678901234567890}\n{"a":1}\n{}\n');
  t.same(buffer.stats, { received: 3, delivered: 3, dropped: 0, buffered: 0 });
});

t.test('createBuffer rejects invalid options', async (t) => {
  const cases: Array<[string, BufferOptions, RegExp]> = [
    ['zero capacity', { capacity: 0, policy: 'block' }, /invalid buffer capacity 0/],
    ['fractional capacity', { capacity: 1.5, policy: 'block' }, /invalid buffer capacity 1.5/],
    ['unknown policy', { capacity: 1, policy: 'lossy' as 'block' }, /invalid buffer policy "lossy"/],
    ['sample without rate', { capacity: 1, policy: 'sample' }, /invalid sampling rate undefined/],
    ['rate above 1', { capacity: 1, policy: 'sample', rate: 1.5 }, /invalid sampling rate 1.5/],
    ['negative seed', { capacity: 1, policy: 'sample', rate: 0.5, seed: -1 }, /invalid sampling seed -1/],
    ['fill level 1', { capacity: 1, policy: 'sample', rate: 0.5, sampleAbove: 1 }, /invalid sampling fill level 1/],
    ['rate with block', { capacity: 1, policy: 'block', rate: 0.5 }, /rate applies only to the sample policy/],
  ];
  for (const [name, options, message] of cases) {
    t.throws(() => createBuffer(options), { code: 'ERR_INVALID_OPTION', message }, name);
  }
});

import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { FakeClock } from '../../lib/clock.js';
import { GeneratorSource } from '../../lib/generate/generator-source.js';

/** Lets queued stream callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Counts NDJSON lines as they flow and checks each chunk ends with a whole line. */
function countLines(source: GeneratorSource): { lines: number; partial: boolean; ended: boolean } {
  const seen = { lines: 0, partial: false, ended: false };
  source.setEncoding('utf8');
  source.on('data', (text: string) => {
    for (const char of text) if (char === '\n') seen.lines++;
    if (!text.endsWith('\n')) seen.partial = true;
  });
  source.on('end', () => {
    seen.ended = true;
  });
  return seen;
}

async function readAll(source: GeneratorSource): Promise<string> {
  let text = '';
  source.setEncoding('utf8');
  for await (const chunk of source) text += chunk;
  return text;
}

t.test('paced source emits exactly what is due', async (t) => {
  const clock = new FakeClock(1_000_000);
  const source = new GeneratorSource({ rate: 2000, count: 10_000, clock });
  const seen = countLines(source);
  await settle();
  t.equal(seen.lines, 1, 'event 0 is due at the start');

  for (let elapsed = 10; elapsed <= 4990; elapsed += 10) {
    clock.set(1_000_000 + elapsed);
    await settle();
    if (seen.lines !== 2 * elapsed + 1) {
      t.fail(`after ${elapsed} ms: ${seen.lines} events, expected ${2 * elapsed + 1}`);
      return;
    }
  }
  t.notOk(seen.ended, 'not ended before the last event is due');
  clock.set(1_005_000);
  await settle();
  t.equal(seen.lines, 10_000);
  t.ok(seen.ended);
  t.notOk(seen.partial, 'every chunk ends with a whole line');
  t.equal(clock.pendingTimers, 0);
});

t.test('paced source does not drift over an hour', async (t) => {
  const clock = new FakeClock(0);
  const rate = 3;
  const source = new GeneratorSource({ rate, clock, format: 'objects' });
  let received = 0;
  let overRate = 0;
  source.on('data', () => {
    received++;
    // Event i (0-based) may not appear before i / rate seconds.
    if (received - 1 > (clock.now() * rate) / 1000) overRate++;
  });
  await settle();
  for (let elapsed = 1000; elapsed <= 3_600_000; elapsed += 1000) clock.set(elapsed);
  await settle();
  t.equal(received, 3 * 3600 + 1);
  t.equal(overRate, 0, 'no event before it was due');
  source.stop();
  await settle();
  t.equal(clock.pendingTimers, 0, 'stop cancels the pending timer');
});

t.test('timestamps follow the simulated clock', async (t) => {
  const clock = new FakeClock(0);
  const source = new GeneratorSource({ rate: 4, count: 5, startTime: 1000, clock, format: 'objects' });
  const events: Array<{ timestamp: number }> = [];
  source.on('data', (event: { timestamp: number }) => events.push(event));
  await settle();
  t.same(events.map((event) => event.timestamp), [1000]);
  clock.set(1000);
  await settle();
  t.same(events.map((event) => event.timestamp), [1000, 1250, 1500, 1750, 2000], '250 ms of simulated time per event at 4 events/s');
  const unpaced = new GeneratorSource({ count: 3, startTime: 5000, format: 'objects' });
  const timestamps: number[] = [];
  for await (const event of unpaced) timestamps.push((event as { timestamp: number }).timestamp);
  t.same(timestamps, [5000, 5001, 5002]);
});

t.test('stop ends a source without a count', async (t) => {
  const clock = new FakeClock(0);
  const source = new GeneratorSource({ rate: 100, clock });
  const seen = countLines(source);
  await settle();
  clock.set(1000);
  await settle();
  t.equal(seen.lines, 101);
  source.stop();
  await settle();
  t.ok(seen.ended);
  t.equal(clock.pendingTimers, 0);
  clock.set(2000);
  await settle();
  t.equal(seen.lines, 101, 'nothing after stop');
});

t.test('unread source stops at the buffer limit', async (t) => {
  const source = new GeneratorSource({ format: 'objects', highWaterMark: 16, batchSize: 8 });
  source.read(0);
  await settle();
  t.ok(source.stats.generated > 0, 'generation started');
  t.ok(source.readableLength <= 16 + 8, `buffered ${source.readableLength} events, limit 24`);
  t.equal(source.stats.generated, source.readableLength, 'everything generated is still buffered');

  for (let i = 0; i < 10; i++) source.read();
  await settle();
  t.ok(source.readableLength <= 16 + 8, `after reading 10: buffered ${source.readableLength}`);
  t.equal(source.stats.generated - 10, source.readableLength);
  source.destroy();

  // Control: a batch far above the limit overfills the buffer, and the check above would catch it.
  const control = new GeneratorSource({ format: 'objects', highWaterMark: 16, batchSize: 1000 });
  control.read(0);
  await settle();
  t.ok(control.readableLength > 16 + 8, `control buffered ${control.readableLength}`);
  control.destroy();
});

t.test('same seed gives the same bytes', async (t) => {
  const hash = (text: string): string => createHash('sha256').update(text).digest('hex');
  const first = await readAll(new GeneratorSource({ count: 20_000, seed: 42, sources: 7 }));
  const second = await readAll(new GeneratorSource({ count: 20_000, seed: 42, sources: 7, batchSize: 3 }));
  const other = await readAll(new GeneratorSource({ count: 20_000, seed: 43, sources: 7 }));
  t.equal(first.split('\n').length - 1, 20_000);
  t.equal(hash(first), hash(second), 'batch size does not change the output');
  t.not(hash(first), hash(other), 'another seed gives other values');
});

t.test('invalid options are rejected', async (t) => {
  t.throws(() => new GeneratorSource({ rate: 0 }), { code: 'ERR_INVALID_OPTION', message: /invalid rate 0/ });
  t.throws(() => new GeneratorSource({ count: -1 }), { code: 'ERR_INVALID_OPTION', message: /invalid count -1/ });
  t.throws(() => new GeneratorSource({ batchSize: 0 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => new GeneratorSource({ sources: 0 }), { code: 'ERR_INVALID_OPTION', message: /invalid number of sources 0/ });
  t.throws(() => new GeneratorSource({ seed: 1.5 }), { code: 'ERR_INVALID_OPTION', message: /invalid seed 1.5/ });
});

t.test('unpaced source lets the event loop run', async (t) => {
  // A consumer whose writes complete synchronously, as stdout does when it is a file.
  const count = 2_000_000;
  const source = new GeneratorSource({ count });
  let bytes = 0;
  let lastChunk = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      lastChunk = chunk.toString('utf8');
      callback();
    },
  });
  let generatedAtFirstTurn = -1;
  setImmediate(() => {
    generatedAtFirstTurn = source.stats.generated;
    source.stop();
  });
  await pipeline(source, sink);
  t.ok(generatedAtFirstTurn > 0, 'generation started before the event loop turned');
  t.ok(generatedAtFirstTurn <= 8192, `the event loop ran after ${generatedAtFirstTurn} events`);
  t.equal(source.stats.generated, generatedAtFirstTurn, 'stop() ends the stream at once');
  t.ok(lastChunk.endsWith('\n'), 'the output ends with a whole line');
  t.ok(bytes > 0);
});

t.test('paced source skips time after a slow reader', async (t) => {
  const clock = new FakeClock(0);
  const source = new GeneratorSource({ rate: 1000, clock, format: 'objects', highWaterMark: 16, batchSize: 8 });
  // Nobody reads for 5 s: generation stops at the buffer limit.
  source.read(0);
  for (let now = 10; now <= 5000; now += 10) {
    clock.set(now);
    await settle();
  }
  const stalled = source.stats.generated;
  t.ok(stalled <= 16 + 8, `generated ${stalled} events while unread`);

  // The reader now keeps up. Count what arrives in the first 500 ms.
  const arrivals: number[] = [];
  source.on('data', () => arrivals.push(clock.now()));
  await settle();
  for (let now = 5010; now <= 5500; now += 10) {
    clock.set(now);
    await settle();
  }
  // Without skipping, the ~4,980 events due by then would arrive at once.
  t.ok(arrivals.length <= stalled + 501 + 100, `${arrivals.length} events in the 500 ms after the reader resumed`);
  t.ok(arrivals.length >= stalled + 500, `${arrivals.length} events, the rate goes on`);
  t.ok(source.stats.skippedMs > 4800 && source.stats.skippedMs <= 5000, `skipped ${source.stats.skippedMs} ms`);
  source.destroy();
});

t.test('paced source catches up on late timers', async (t) => {
  // Timers fire 27 ms late (37 ms steps for a 10 ms tick): within the 100 ms allowed lag, so nothing is skipped.
  const clock = new FakeClock(0);
  const source = new GeneratorSource({ rate: 1000, clock, format: 'objects' });
  let received = 0;
  source.on('data', () => received++);
  await settle();
  for (let now = 37; now <= 10_000 - 37; now += 37) {
    clock.set(now);
    await settle();
  }
  clock.set(10_000);
  await settle();
  t.equal(received, 10_001, 'every event due by 10 s was written');
  t.equal(source.stats.skippedMs, 0);
  source.stop();
});

t.test('slow rates wait within timer limits', async (t) => {
  const fake = new FakeClock(0);
  const delays: number[] = [];
  const clock = {
    now: () => fake.now(),
    setTimeout: (callback: () => void, delayMs: number) => {
      delays.push(delayMs);
      return fake.setTimeout(callback, delayMs);
    },
    clearTimeout: (handle: unknown) => fake.clearTimeout(handle),
  };
  // One event every 10^10 ms, about 116 days: longer than one Node.js timer can wait.
  const source = new GeneratorSource({ rate: 1e-7, count: 2, clock, format: 'objects' });
  const events: Array<{ timestamp: number }> = [];
  source.on('data', (event: { timestamp: number }) => events.push(event));
  await settle();
  t.equal(events.length, 1);
  for (const step of [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1]) {
    fake.advance(step);
    await settle();
  }
  t.equal(events.length, 1, 'not due before 10^10 ms');
  fake.set(1e10);
  await settle();
  t.equal(events.length, 2);
  t.equal(events[1]!.timestamp - events[0]!.timestamp, 1e10);
  t.ok(delays.length >= 5);
  t.ok(delays.every((delay) => delay <= 2 ** 31 - 1), `timer delays ${delays.join(', ')}`);
});

t.test('timestamps stay within the valid range', async (t) => {
  t.throws(() => new GeneratorSource({ startTime: 8.64e15, count: 2 }), { code: 'ERR_INVALID_OPTION', message: /timestamp 8640000000000001, past the largest valid timestamp 8640000000000000; start earlier or lower the count to 1 or less/ });
  t.throws(() => new GeneratorSource({ startTime: 8.64e15 + 1 }), { code: 'ERR_INVALID_OPTION', message: /invalid start time/ });
  t.throws(() => new GeneratorSource({ startTime: -8.64e15 - 1 }), { code: 'ERR_INVALID_OPTION', message: /invalid start time/ });
  t.throws(() => new GeneratorSource({ startTime: 8.64e15 - 2000, rate: 0.5, count: 3 }), { message: /lower the count to 2 or less/ }, 'the step of 2 s counts');

  const unlimited = new GeneratorSource({ startTime: 8.64e15 - 2, format: 'objects' });
  const timestamps: number[] = [];
  for await (const event of unlimited) timestamps.push((event as { timestamp: number }).timestamp);
  t.same(timestamps, [8.64e15 - 2, 8.64e15 - 1, 8.64e15], 'a run without a count ends at the last valid timestamp');
  t.equal(unlimited.stats.reachedTimeLimit, true);
});

t.test('sources are capped', async (t) => {
  t.throws(() => new GeneratorSource({ sources: 1_000_001 }), { code: 'ERR_INVALID_OPTION', message: /invalid number of sources 1000001: expected a whole number from 1 to 1000000/ });
  const many = new GeneratorSource({ sources: 1_000_000, count: 3, format: 'objects' });
  const names: string[] = [];
  for await (const event of many) names.push((event as { source: string }).source);
  t.same(names, ['sensor-0', 'sensor-1', 'sensor-2']);
});

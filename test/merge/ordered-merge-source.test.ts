import { PassThrough } from 'node:stream';
import t from 'tap';
import type { Rejection } from '../../lib/io/rejection.js';
import { OrderedMergeSource, type OrderedMergeOptions } from '../../lib/merge/ordered-merge-source.js';
import { chunkedInput, lines, parseAll, readChunks, splitEvery } from './helpers.js';

function mergeOf(inputs: Record<string, () => NodeJS.ReadableStream>, options: OrderedMergeOptions = {}): OrderedMergeSource {
  return new OrderedMergeSource(Object.keys(inputs), { ...options, open: (name) => inputs[name]!() });
}

t.test('ordered merge sorts sorted inputs globally', async (t) => {
  const merge = mergeOf({
    a: () => chunkedInput(splitEvery(lines('a', [1, 4, 4, 9, 12]), 11)),
    b: () => chunkedInput(splitEvery(lines('b', [2, 3, 4, 10]), 3)),
    c: () => chunkedInput(splitEvery(lines('c', [0, 20]), 50)),
  });
  const { events } = await parseAll(merge);
  t.same(
    events.map((event) => event.n),
    ['c1', 'a1', 'b1', 'b2', 'a2', 'a3', 'b3', 'a4', 'b4', 'a5', 'c2'],
    'equal times go to the input named first',
  );
  t.same(merge.stats, { lines: 11, outOfOrder: 0 });
});

t.test('ordered merge reads ISO times and seconds', async (t) => {
  const merge = mergeOf(
    {
      a: () => chunkedInput(['{"at":"1970-01-01T00:00:02Z","n":"a1"}\n{"at":5,"n":"a2"}\n']),
      b: () => chunkedInput(['{"at":3,"n":"b1"}\n']),
    },
    { timeField: 'at', timeUnit: 's' },
  );
  const { events } = await parseAll(merge);
  t.same(events.map((event) => event.n), ['a1', 'b1', 'a2']);
});

t.test('out-of-order events are counted and kept in place', async (t) => {
  const merge = mergeOf({
    a: () => chunkedInput([lines('a', [1, 5, 3, 6])]),
    b: () => chunkedInput([lines('b', [2, 4, 5])]),
  });
  const { events } = await parseAll(merge);
  // a3 (time 3) follows a2 (time 5) in its input: it is merged as if at time 5.
  t.same(events.map((event) => event.n), ['a1', 'b1', 'b2', 'a2', 'a3', 'b3', 'a4']);
  t.equal(merge.stats.outOfOrder, 1);
});

t.test('invalid lines keep their input line numbers', async (t) => {
  const rejected: Rejection[] = [];
  const merge = mergeOf({
    a: () => chunkedInput(['{"timestamp":1,"n":"a1"}\n\nnot json\r\n{"n":"no time"}\n{"timestamp":7,"n":"a5"}']),
    b: () => chunkedInput(['{"timestamp":2,"n":"b1"}\r\n{"timestamp":8,"n":"b2"}\n']),
  });
  const { events, parse } = await parseAll(merge, { onError: 'skip', timeField: 'timestamp', onReject: (rejection) => rejected.push(rejection) });
  t.same(events.map((event) => event.n), ['a1', 'b1', 'a5', 'b2']);
  t.same(
    rejected.map((rejection) => `${rejection.input}:${rejection.line}`),
    ['a:3', 'a:4'],
  );
  t.equal(parse.stats.invalid, 2);
});

t.test('ordered merge keeps a multibyte character split across chunks', async (t) => {
  const bytes = Buffer.from('{"timestamp":1,"n":"é€"}\n');
  const merge = mergeOf({
    a: () => {
      const stream = new PassThrough();
      stream.write(bytes.subarray(0, 22));
      setImmediate(() => stream.end(bytes.subarray(22)));
      return stream;
    },
  });
  const { events } = await parseAll(merge);
  t.same(events, [{ timestamp: 1, n: 'é€' }]);
});

t.test('over-long line is cut and rejected downstream', async (t) => {
  const long = JSON.stringify({ timestamp: 2, pad: 'x'.repeat(200) });
  const merge = mergeOf({ a: () => chunkedInput(splitEvery(`{"timestamp":1,"n":"a1"}\n${long}\n{"timestamp":3,"n":"a3"}\n`, 16)) }, { maxLineBytes: 64 });
  const rejected: Rejection[] = [];
  const { events } = await parseAll(merge, { onError: 'skip', maxLineBytes: 64, onReject: (rejection) => rejected.push(rejection) });
  t.same(events.map((event) => event.n), ['a1', 'a3']);
  t.equal(rejected.length, 1);
  t.equal(rejected[0]!.line, 2);
  t.match(rejected[0]!.reason, /longer than the limit of 64 bytes/);
});

t.test('ordered merge waits for an empty input and bounds the others', async (t) => {
  const slow = new PassThrough();
  const fast = new PassThrough();
  const merge = mergeOf({ fast: () => fast, slow: () => slow }, { perInputLines: 10 });
  const chunks: unknown[] = [];
  merge.on('data', (chunk) => chunks.push(chunk));
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 100; i++) {
    fast.write(`{"timestamp":${i}}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.equal(chunks.length, 0, 'nothing is emitted while the slow input may still hold an earlier event');
  t.equal(fast.isPaused(), true, 'the fast input is paused once its queue is full');
  t.ok(fast.readableLength > 0, 'the lines beyond the queue limit wait in the fast input itself');
  slow.end('{"timestamp":50}\n');
  fast.end();
  await new Promise((resolve) => merge.once('end', resolve));
  t.equal(merge.stats.lines, 101);
});

t.test('ordered merge error names the input and closes the others', async (t) => {
  const stalled = new PassThrough();
  const failing = new PassThrough();
  const merge = mergeOf({ stalled: () => stalled, failing: () => failing });
  const reading = readChunks(merge);
  failing.write('{"timestamp":1}\n');
  setImmediate(() => failing.destroy(new Error('EIO: i/o error, read')));
  await t.rejects(reading, { code: 'ERR_INPUT_UNREADABLE', message: 'cannot read input failing: EIO: i/o error, read' });
  t.equal(stalled.destroyed, true);
});

t.test('ordered merge stop emits what was read', async (t) => {
  const a = new PassThrough();
  const b = new PassThrough();
  const merge = mergeOf({ a: () => a, b: () => b });
  const parsing = parseAll(merge);
  a.write(lines('a', [3, 4]));
  b.write(lines('b', [1]) + '{"timestamp":5,"n":"partial"}');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  merge.stop();
  const { events } = await parsing;
  // The unterminated line of b was cut off by the stop, so it is dropped, not parsed.
  t.same(events.map((event) => event.n), ['b1', 'a1', 'a2']);
  t.equal(a.destroyed, true);
});

t.test('ordered merge rejects a repeated input', async (t) => {
  t.throws(() => new OrderedMergeSource(['x.ndjson', 'x.ndjson']), { code: 'ERR_INPUT_UNREADABLE' });
});

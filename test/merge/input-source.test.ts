import { PassThrough, Readable } from 'node:stream';
import t from 'tap';
import { InputSource } from '../../lib/io/input-source.js';
import { chunkedInput, lines, parseAll, readChunks, splitEvery } from './helpers.js';

function sourceOf(inputs: Record<string, () => NodeJS.ReadableStream>, options: { concurrency?: number; highWaterMark?: number } = {}): InputSource {
  return new InputSource(Object.keys(inputs), { ...options, open: (name) => inputs[name]!() });
}

t.test('input source interleaves inputs in arrival order', async (t) => {
  const source = sourceOf({
    a: () => chunkedInput(splitEvery(lines('a', [1, 2, 3]), 7)),
    b: () => chunkedInput(splitEvery(lines('b', [1, 2]), 5)),
  });
  const chunks = await readChunks(source);
  const order = chunks.filter((chunk) => chunk.data !== null).map((chunk) => chunk.input);
  // Both inputs were read at the same time, so their chunks alternate instead of all of a coming first.
  t.ok(order.indexOf('b') < order.lastIndexOf('a'), `chunks interleave: ${order.join(' ')}`);
  t.same(
    chunks.filter((chunk) => chunk.data === null).map((chunk) => chunk.input).sort(),
    ['a', 'b'],
  );
});

t.test('input source keeps each input in order', async (t) => {
  const source = sourceOf({
    a: () => chunkedInput(splitEvery(lines('a', [1, 2, 3]), 7)),
    b: () => chunkedInput(splitEvery(lines('b', [1, 2]), 5)),
  });
  const { events } = await parseAll(source);
  t.equal(events.length, 5);
  t.same(events.filter((event) => String(event.n).startsWith('a')).map((event) => event.n), ['a1', 'a2', 'a3']);
  t.same(events.filter((event) => String(event.n).startsWith('b')).map((event) => event.n), ['b1', 'b2']);
});

t.test('input source with concurrency 1 concatenates', async (t) => {
  const source = sourceOf(
    {
      a: () => chunkedInput(splitEvery(lines('a', [1, 2, 3]), 7)),
      b: () => chunkedInput(splitEvery(lines('b', [1, 2]), 5)),
    },
    { concurrency: 1 },
  );
  const { events } = await parseAll(source);
  t.same(events.map((event) => event.n), ['a1', 'a2', 'a3', 'b1', 'b2']);
});

t.test('input source ends at once without pending inputs', async (t) => {
  const source = sourceOf({ a: () => Readable.from([]) });
  const chunks = await readChunks(source);
  t.same(chunks, [{ input: 'a', data: null }]);
});

t.test('input error names the input and closes the others', async (t) => {
  const stalled = new PassThrough();
  const failing = new PassThrough();
  const source = sourceOf({ stalled: () => stalled, failing: () => failing });
  const reading = readChunks(source);
  failing.write('{"timestamp":1}\n');
  setImmediate(() => failing.destroy(new Error('EIO: i/o error, read')));
  await t.rejects(reading, { code: 'ERR_INPUT_UNREADABLE', message: 'cannot read input failing: EIO: i/o error, read' });
  t.equal(stalled.destroyed, true, 'the stalled input is destroyed, so it cannot keep the process alive');
});

t.test('input source pauses every input when its buffer is full', async (t) => {
  const a = new PassThrough({ highWaterMark: 4 });
  const b = new PassThrough({ highWaterMark: 4 });
  const source = sourceOf({ a: () => a, b: () => b }, { highWaterMark: 2 });
  source.resume();
  source.pause();
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 10; i++) {
    a.write(`{"timestamp":${i}}\n`);
    b.write(`{"timestamp":${i}}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    t.ok(source.readableLength <= 3, `source buffer ${source.readableLength} stays at its limit of 2 plus the chunk that filled it`);
  }
  t.equal(a.isPaused(), true);
  t.equal(b.isPaused(), true);
  // Every write beyond what the source took stays in the inputs, where their own highWaterMark bounds it.
  t.ok(a.readableLength > 0 || b.readableLength > 0);
  source.destroy();
});

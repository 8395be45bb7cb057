import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createNdjsonReader } from '../../lib/io/ndjson-reader.js';
import { createNdjsonWriter } from '../../lib/io/ndjson-writer.js';
import { createTumblingWindow } from '../../lib/window/tumbling-window.js';

function collect(): Writable & { items: unknown[] } {
  const items: unknown[] = [];
  const sink = new Writable({
    objectMode: true,
    write(chunk, _encoding, callback) {
      items.push(chunk);
      callback();
    },
  });
  return Object.assign(sink, { items });
}

t.test('reader, window and writer in a pipeline', async (t) => {
  const chunks = ['{"timestamp":0,"va', 'lue":1}\r', '\n{"timestamp":1000,"value":3}'].map((text) => Buffer.from(text));
  let output = '';
  await pipeline(
    Readable.from(chunks),
    createNdjsonReader({ timeField: 'timestamp' }),
    createTumblingWindow({ size: 1000 }),
    createNdjsonWriter(),
    new Writable({
      write(chunk, _encoding, callback) {
        output += chunk;
        callback();
      },
    }),
  );
  t.equal(
    output,
    '{"window_start":0,"window_end":1000,"event_count":1,"sum_value":1,"avg_value":1,"min_value":1,"max_value":1,"severity_counts":{"Low":1,"Medium":0,"High":0,"Critical":0}}\n' +
      '{"window_start":1000,"window_end":2000,"event_count":1,"sum_value":3,"avg_value":3,"min_value":3,"max_value":3,"severity_counts":{"Low":1,"Medium":0,"High":0,"Critical":0}}\n',
  );
});

t.test('a bad line destroys the pipeline with its error', async (t) => {
  const sink = collect();
  const reader = createNdjsonReader({ inputName: 'feed' });
  await t.rejects(pipeline(Readable.from([Buffer.from('{"a":1}\n{"a":\n{"a":3}\n')]), reader, sink), {
    code: 'ERR_INVALID_LINE',
    message: /^feed:2: invalid JSON/,
  });
  t.ok(reader.destroyed);
});

t.test('skip mode counts rejected lines in stats', async (t) => {
  const sink = collect();
  const reader = createNdjsonReader({ onError: 'skip' });
  await pipeline(Readable.from([Buffer.from('{"a":1}\nxx\n\n{"a":3}\n')]), reader, sink);
  t.same(sink.items, [{ a: 1 }, { a: 3 }]);
  t.same(reader.stats, { lines: 4, events: 2, invalid: 1 });
});

t.test('reader honours highWaterMark when written line by line', async (t) => {
  const reader = createNdjsonReader({ highWaterMark: 5 });
  for (let i = 0; i < 40; i++) reader.write(`{"n":${i}}\n`);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(reader.readableLength, 5, 'the readable buffer stops at the highWaterMark');
  t.ok(reader.writableLength > 0, 'the rest waits on the writable side');
  reader.end();
  const seen: number[] = [];
  for await (const event of reader) seen.push((event as { n: number }).n);
  t.same(seen, Array.from({ length: 40 }, (_, i) => i));
});

t.test('a broken control without backpressure overfills', async (t) => {
  // A reader that is never read and fed one 40-line chunk: all lines land in
  // the buffer at once. This shows what the line-by-line test above guards.
  const reader = createNdjsonReader({ highWaterMark: 5 });
  reader.write(Array.from({ length: 40 }, (_, i) => `{"n":${i}}\n`).join(''));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(reader.readableLength, 40);
  reader.destroy();
});

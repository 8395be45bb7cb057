import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createFilter } from '../../lib/transforms/filter.js';

t.test('createFilter keeps matching events', async (t) => {
  const events = [{ value: 10 }, { value: 70, source: 'a' }, { source: 'a' }, { value: 90, source: 'b' }];
  const stage = createFilter({ where: 'value > 50 and source == "a"' });
  const output: unknown[] = [];
  await pipeline(Readable.from(events), stage, async (source: AsyncIterable<unknown>) => {
    for await (const item of source) output.push(item);
  });
  t.same(output, [{ value: 70, source: 'a' }]);
  t.equal(output[0], events[1], 'the event object is passed on, not copied');
  t.same(stage.stats, { received: 4, delivered: 1, rejected: 3 });
});

t.test('createFilter throws on a syntax error', async (t) => {
  t.throws(() => createFilter({ where: 'value >' }), { code: 'ERR_EXPRESSION', column: 8 });
});

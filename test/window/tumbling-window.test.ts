import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createTumblingWindow, TumblingWindowOperator, type TumblingWindowOptions } from '../../lib/window/tumbling-window.js';
import type { WindowResult } from '../../lib/window/window-aggregate.js';

/** Runs events through a window operator and returns the results and the operator. */
function run(events: Array<Record<string, unknown>>, options: Omit<TumblingWindowOptions, 'size'> & { size?: number } = {}) {
  const results: WindowResult[] = [];
  const late: unknown[] = [];
  const operator = new TumblingWindowOperator({ size: 1000, onLate: (event) => late.push(event), ...options });
  operator.next = { push: (item) => results.push(item), drain() {}, end() {} };
  for (const event of events) operator.push(event);
  operator.end();
  return { results, late, stats: operator.stats };
}

const at = (...timestamps: number[]) => timestamps.map((timestamp) => ({ timestamp, value: 10 }));

t.test('boundary event belongs to the later window', async (t) => {
  const { results } = run(at(0, 999, 1000, 1999, 2000));
  t.same(
    results.map((r) => [r.window_start, r.window_end, r.event_count]),
    [
      [0, 1000, 2],
      [1000, 2000, 2],
      [2000, 3000, 1],
    ],
  );
});

t.test('negative values give exact min and max', async (t) => {
  const { results } = run([-5, -3, -1].map((value) => ({ timestamp: 10, value })));
  t.equal(results.length, 1);
  t.equal(results[0]!.min_value, -5);
  t.equal(results[0]!.max_value, -1);
  t.equal(results[0]!.sum_value, -9);
  t.equal(results[0]!.avg_value, -3);
});

t.test('out-of-order event after its window closed is late', async (t) => {
  const { results, late, stats } = run(at(100, 1100, 2100, 500));
  t.same(
    results.map((r) => r.event_count),
    [1, 1, 1],
  );
  t.equal(stats.late, 1);
  t.same(late, [{ timestamp: 500, value: 10 }]);
  t.equal(stats.windows, 3);
});

t.test('allowed lateness keeps the window open', async (t) => {
  const { results, stats } = run(at(100, 1100, 2100, 500), { allowedLateness: 2000 });
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [
      [0, 2],
      [1000, 1],
      [2000, 1],
    ],
  );
  t.equal(stats.late, 0);
});

t.test('late event never re-emits a window', async (t) => {
  const { results, stats } = run(at(0, 5000, 10, 20, 30, 5001));
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [
      [0, 1],
      [5000, 2],
    ],
  );
  t.equal(stats.late, 3);
});

t.test('windows emit only when the watermark passes their end', async (t) => {
  const results: WindowResult[] = [];
  const operator = new TumblingWindowOperator({ size: 1000 });
  operator.next = { push: (item) => results.push(item), drain() {}, end() {} };
  operator.push({ timestamp: 0, value: 1 });
  operator.push({ timestamp: 999, value: 1 });
  t.equal(results.length, 0);
  operator.push({ timestamp: 1000, value: 1 });
  t.equal(results.length, 1);
  t.equal(operator.openWindowCount, 1);
});

t.test('keyed windows come out by start then key', async (t) => {
  const events = [
    { timestamp: 0, source: 'b', value: 1 },
    { timestamp: 1, source: 'a', value: 2 },
    { timestamp: 1001, source: 'c', value: 3 },
    { timestamp: 2, source: 'b', value: 4 },
    { timestamp: 1002, source: 'a', value: 5 },
    { timestamp: 3, value: 6 },
  ];
  const { results } = run(events, { keyField: 'source', allowedLateness: 5000 });
  t.same(
    results.map((r) => [r.window_start, r.key, r.event_count, r.sum_value]),
    [
      [0, null, 1, 6],
      [0, 'a', 1, 2],
      [0, 'b', 2, 5],
      [1000, 'a', 1, 5],
      [1000, 'c', 1, 3],
    ],
  );
});

t.test('numeric keys sort numerically and before strings', async (t) => {
  const events = [10, 9, '1', 100, true].map((source) => ({ timestamp: 0, source, value: 1 }));
  const { results } = run(events, { keyField: 'source' });
  t.same(
    results.map((r) => r.key),
    [true, 9, 10, 100, '1'],
  );
});

t.test('non-numeric values count only in event_count', async (t) => {
  const events = [{ value: 'high' }, { value: null }, {}, { value: 4 }, { value: [1] }].map((e) => ({ timestamp: 0, ...e }));
  const { results } = run(events);
  t.equal(results[0]!.event_count, 5);
  t.equal(results[0]!.sum_value, 4);
  t.equal(results[0]!.avg_value, 4);
  t.same(results[0]!.severity_counts, { Low: 1, Medium: 0, High: 0, Critical: 0 });
});

t.test('window with no numeric value has null statistics', async (t) => {
  const { results } = run([{ timestamp: 0 }, { timestamp: 1, value: 'x' }]);
  t.same(results[0], {
    window_start: 0,
    window_end: 1000,
    event_count: 2,
    sum_value: 0,
    avg_value: null,
    min_value: null,
    max_value: null,
    severity_counts: { Low: 0, Medium: 0, High: 0, Critical: 0 },
  });
  t.notMatch(JSON.stringify(results[0]), /NaN|Infinity/);
});

t.test('severity counts use the range and clamp outside it', async (t) => {
  const values = [-50, 0, 29.99, 30, 59.9, 60, 89, 90, 100, 250];
  const { results } = run(values.map((value) => ({ timestamp: 0, value })));
  t.same(results[0]!.severity_counts, { Low: 3, Medium: 2, High: 2, Critical: 3 });
  const narrow = run(values.map((value) => ({ timestamp: 0, value })), { min: 5, max: 5 });
  t.same(narrow.results[0]!.severity_counts, { Low: 0, Medium: 10, High: 0, Critical: 0 });
});

t.test('dotted paths for time, value and key', async (t) => {
  const events = [
    { meta: { ts: 5 }, properties: { mag: 2.5, region: 'north' } },
    { meta: { ts: 6 }, properties: { mag: 3.5, region: 'north' } },
  ];
  const { results } = run(events, { timeField: 'meta.ts', valueField: 'properties.mag', keyField: 'properties.region' });
  t.same(
    results.map((r) => [r.key, r.event_count, r.avg_value]),
    [['north', 2, 3]],
  );
});

t.test('one instant in four notations lands in one window', async (t) => {
  const instant = Date.UTC(2024, 0, 15, 12, 0, 0);
  const stamps = [instant, '2024-01-15T12:00:00Z', '2024-01-15T05:00:00-07:00', '2024-01-15T05:00:00-0700'];
  const { results } = run(stamps.map((timestamp) => ({ timestamp, value: 1 })), { size: 60_000 });
  t.equal(results.length, 1);
  t.equal(results[0]!.event_count, 4);
  t.equal(results[0]!.window_start, instant);
});

t.test('epoch seconds', async (t) => {
  const { results } = run([{ timestamp: 1.2 }, { timestamp: 1.9 }, { timestamp: 2 }], { timeUnit: 's' });
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [
      [1000, 2],
      [2000, 1],
    ],
  );
});

t.test('negative timestamps floor to their window', async (t) => {
  const { results } = run(at(-1001, -1000, -1));
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [
      [-2000, 1],
      [-1000, 2],
    ],
  );
});

t.test('invalid timestamp fails or is counted', async (t) => {
  t.throws(() => run([{ timestamp: 'soon' }]), { code: 'ERR_INVALID_EVENT' });
  const { results, stats } = run([{ timestamp: 'soon' }, { timestamp: 1 }], { onInvalid: 'skip' });
  t.equal(stats.invalid, 1);
  t.equal(results.length, 1);
});

t.test('invalid options are rejected at construction', async (t) => {
  t.throws(() => new TumblingWindowOperator({ size: 0 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => new TumblingWindowOperator({ size: 1.5 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => new TumblingWindowOperator({ size: 1000, allowedLateness: -1 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => new TumblingWindowOperator({ size: 1000, min: 10, max: 1 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => new TumblingWindowOperator({ size: 1000, keyField: 'a..b' }), { code: 'ERR_INVALID_OPTION' });
});

t.test('open windows stay bounded over a long ordered input', async (t) => {
  const operator = new TumblingWindowOperator({ size: 10, keyField: 'k' });
  let emitted = 0;
  operator.next = { push: () => emitted++, drain() {}, end() {} };
  let maxOpen = 0;
  for (let i = 0; i < 100_000; i++) {
    operator.push({ timestamp: i, k: i % 7, value: i });
    if (operator.openWindowCount > maxOpen) maxOpen = operator.openWindowCount;
  }
  t.ok(maxOpen <= 7, `at most one window per key open, saw ${maxOpen}`);
  operator.end();
  t.equal(emitted, 10_000 * 7);
});

t.test('transform honours highWaterMark and works with for await', async (t) => {
  const window = createTumblingWindow({ size: 1, highWaterMark: 4 });
  for (let i = 0; i < 50; i++) window.write({ timestamp: i, value: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(window.readableLength <= 4, `readable buffer holds ${window.readableLength}`);
  t.ok(window.writableLength > 0, 'writes wait while the readable side is full');
  window.end();
  const seen: number[] = [];
  for await (const result of window) seen.push((result as WindowResult).window_start);
  t.equal(seen.length, 50);
  t.same(seen.slice(0, 3), [0, 1, 2]);
});

t.test('pipeline callback gets the first real error', async (t) => {
  const window = createTumblingWindow({ size: 1000 });
  const sink = new Writable({ objectMode: true, write: (_chunk, _enc, cb) => cb() });
  await t.rejects(pipeline(Readable.from([{ timestamp: 1 }, { timestamp: 'x' }, { timestamp: 2 }]), window, sink), { code: 'ERR_INVALID_EVENT' });
  t.ok(sink.destroyed);
});

t.test('interleaved inputs keep one clock each', async (t) => {
  const results: WindowResult[] = [];
  const operator = new TumblingWindowOperator({ size: 1000, inputs: ['a', 'b'] });
  operator.next = { push: (item) => results.push(item), drain() {}, end() {} };
  operator.selectInput('a');
  operator.push({ timestamp: 0, value: 1 });
  operator.push({ timestamp: 5000, value: 1 });
  t.equal(results.length, 0, 'input b has sent nothing yet, so no window closes');
  operator.selectInput('b');
  operator.push({ timestamp: 100, value: 1 });
  operator.push({ timestamp: 1200, value: 1 });
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [[0, 2]],
  );
  operator.endInput('b');
  t.same(
    results.map((r) => [r.window_start, r.event_count]),
    [
      [0, 2],
      [1000, 1],
    ],
    'once b has ended, the watermark follows a',
  );
  operator.selectInput('a');
  operator.endInput('a');
  operator.end();
  t.equal(operator.stats.late, 0);
  t.equal(results.length, 3);
});

t.test('slowest input decides lateness', async (t) => {
  const { stats } = (() => {
    const operator = new TumblingWindowOperator({ size: 1000, inputs: ['a', 'b'] });
    operator.next = { push() {}, drain() {}, end() {} };
    operator.selectInput('a');
    operator.push({ timestamp: 3000 });
    operator.selectInput('b');
    operator.push({ timestamp: 2500 });
    operator.push({ timestamp: 100 });
    operator.end();
    return operator;
  })();
  t.equal(stats.late, 1, 'b went back behind the watermark of 2500');
});

t.test('unserializable key is invalid', async (t) => {
  let deep: unknown = 1;
  for (let i = 0; i < 20_000; i++) deep = [deep];
  const { results, stats } = run([{ timestamp: 1, k: deep }, { timestamp: 2, k: 'x' }], { keyField: 'k', onInvalid: 'skip' });
  t.equal(stats.invalid, 1);
  t.same(
    results.map((r) => r.key),
    ['x'],
  );
  t.throws(() => run([{ timestamp: 1, k: deep }], { keyField: 'k', describePosition: () => 'f.ndjson:7' }), {
    code: 'ERR_INVALID_EVENT',
    message: /^f\.ndjson:7: the grouping key is nested too deeply/,
  });
});

t.test('inherited names are missing keys', async (t) => {
  const events = [{ timestamp: 1, value: 1 }, JSON.parse('{"timestamp":2,"__proto__":"p","constructor":"c"}')];
  for (const field of ['__proto__', 'constructor', 'toString']) {
    const { results } = run(events, { keyField: field });
    t.same(
      results.map((r) => r.key),
      field === 'toString' ? [null] : [null, field === '__proto__' ? 'p' : 'c'],
      field,
    );
  }
});

t.test('infinite key stays distinct from missing', async (t) => {
  const { results } = run([{ timestamp: 1, k: Infinity }, { timestamp: 2 }], { keyField: 'k' });
  t.same(
    results.map((r) => r.key),
    [null, 'Infinity'],
  );
});

t.test('many open windows close in order without rescans', async (t) => {
  const { results, stats } = run(
    Array.from({ length: 20_000 }, (_, i) => ({ timestamp: i, value: 1 })),
    { size: 1, allowedLateness: 5000 },
  );
  t.equal(results.length, 20_000);
  t.equal(stats.late, 0);
  t.ok(results.every((r, i) => r.window_start === i));
});

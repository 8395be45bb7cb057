import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { OperatorTransform } from '../../lib/core/operator-transform.js';
import { createNormalize, NormalizeLineOperator } from '../../lib/transforms/normalize.js';
import { JsonLineWriterOperator, LineTrackingParseOperator } from '../../lib/transforms/raw-line.js';

async function normalizeObjects(events: object[], options: Parameters<typeof createNormalize>[0] = {}) {
  const stage = createNormalize(options);
  const output: unknown[] = [];
  await pipeline(Readable.from(events), stage, async (source: AsyncIterable<unknown>) => {
    for await (const item of source) output.push(item);
  });
  return { output, stats: stage.stats };
}

/** Runs the CLI chain on text chunks and returns the NDJSON text. */
async function normalizeText(chunks: string[], options: ConstructorParameters<typeof NormalizeLineOperator>[0] = {}) {
  const parse = new LineTrackingParseOperator({});
  const normalize = new NormalizeLineOperator(options, parse);
  const transform = new OperatorTransform([parse, normalize, new JsonLineWriterOperator()], { readableObjectMode: false });
  let text = '';
  await pipeline(
    // The end marker (data: null) says the input is complete, so its last line without a line end is parsed.
    Readable.from([...chunks.map((data) => ({ input: 'stdin', data })), { input: 'stdin', data: null }]),
    transform,
    async (source: AsyncIterable<string>) => {
      for await (const piece of source) text += piece;
    },
  );
  return { text, stats: normalize.stats };
}

t.test('createNormalize adds both fields', async (t) => {
  const { output, stats } = await normalizeObjects([{ value: 0 }, { value: 29.9 }, { value: 30 }, { value: 60 }, { value: 90 }, { value: 250 }, { value: -5 }]);
  t.same(output, [
    { value: 0, normalized_value: 0, severity: 'Low' },
    { value: 29.9, normalized_value: 0.299, severity: 'Low' },
    { value: 30, normalized_value: 0.3, severity: 'Medium' },
    { value: 60, normalized_value: 0.6, severity: 'High' },
    { value: 90, normalized_value: 0.9, severity: 'Critical' },
    { value: 250, normalized_value: 1, severity: 'Critical' },
    { value: -5, normalized_value: 0, severity: 'Low' },
  ]);
  t.same(stats, { received: 7, delivered: 7, withoutValue: 0 });
});

t.test('createNormalize maps to 0.5 when min equals max', async (t) => {
  const { output } = await normalizeObjects([{ value: 3 }], { min: 7, max: 7 });
  t.same(output, [{ value: 3, normalized_value: 0.5, severity: 'Medium' }]);
});

t.test('createNormalize reads a dotted value path', async (t) => {
  const { output } = await normalizeObjects([{ properties: { mag: 5 } }], { min: 0, max: 10, valueField: 'properties.mag' });
  t.same(output, [{ properties: { mag: 5 }, normalized_value: 0.5, severity: 'Medium' }]);
});

t.test('createNormalize does not change its input', async (t) => {
  const event = { value: 50, severity: 'old' };
  const { output } = await normalizeObjects([event]);
  t.same(event, { value: 50, severity: 'old' });
  t.same(output, [{ value: 50, severity: 'Medium', normalized_value: 0.5 }]);
});

t.test('createNormalize passes events without a value', async (t) => {
  const { output, stats } = await normalizeObjects([{ value: '5' }, {}, { value: null }, { value: 10 }]);
  t.same(output, [{ value: '5' }, {}, { value: null }, { value: 10, normalized_value: 0.1, severity: 'Low' }]);
  t.same(stats, { received: 4, delivered: 4, withoutValue: 3 });
});

t.test('createNormalize skips events without a value', async (t) => {
  const { output, stats } = await normalizeObjects([{ value: '5' }, { value: 10 }], { onMissingValue: 'skip' });
  t.same(output, [{ value: 10, normalized_value: 0.1, severity: 'Low' }]);
  t.same(stats, { received: 2, delivered: 1, withoutValue: 1 });
});

t.test('createNormalize rejects invalid options', async (t) => {
  t.throws(() => createNormalize({ min: 5, max: 1 }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => createNormalize({ min: Number.NaN }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => createNormalize({ valueField: 'a..b' }), { code: 'ERR_INVALID_OPTION' });
  t.throws(() => createNormalize({ onMissingValue: 'fail' as 'pass' }), { code: 'ERR_INVALID_OPTION' });
});

t.test('value field cannot be an output field', async (t) => {
  for (const valueField of ['normalized_value', 'severity', 'severity.level']) {
    t.throws(() => createNormalize({ valueField }), { code: 'ERR_INVALID_OPTION', message: /normalize replaces normalized_value and severity/ }, valueField);
  }
  t.doesNotThrow(() => createNormalize({ valueField: 'properties.severity' }));
});

t.test('line form keeps every digit', async (t) => {
  const { text } = await normalizeText(['{"id":12345678901234567890,"value":42,"x":1.50}\n']);
  t.equal(text, '{"id":12345678901234567890,"value":42,"x":1.50,"normalized_value":0.42,"severity":"Medium"}\n');
});

t.test('line form handles awkward chunks', async (t) => {
  const { text, stats } = await normalizeText(['{"value":1', '0}\r', '\n{}\n  {"value" : 95}  ', '\t\n{"value":"n/a"}']);
  t.equal(
    text,
    '{"value":10,"normalized_value":0.1,"severity":"Low"}\n' +
      '{}\n' +
      '  {"value" : 95,"normalized_value":0.95,"severity":"Critical"}\n' +
      '{"value":"n/a"}\n',
  );
  t.same(stats, { received: 4, delivered: 4, withoutValue: 2 });
});

t.test('line form replaces existing fields', async (t) => {
  const { text } = await normalizeText(['{"severity":"Low","id":12345678901234567890,"n":{"severity":1},"value":70}\n']);
  t.equal(text, '{"id":12345678901234567890,"n":{"severity":1},"value":70,"normalized_value":0.7,"severity":"High"}\n');
});

t.test('line form skips events without a value', async (t) => {
  const { text, stats } = await normalizeText(['{"value":true}\n{"value":100}\n'], { onMissingValue: 'skip' });
  t.equal(text, '{"value":100,"normalized_value":1,"severity":"Critical"}\n');
  t.same(stats, { received: 2, delivered: 1, withoutValue: 1 });
});

t.test('line form reports each skipped event', async (t) => {
  const parse = new LineTrackingParseOperator({});
  const skipped: Array<[string, string]> = [];
  const normalize = new NormalizeLineOperator({ onMissingValue: 'skip', valueField: 'm.v' }, parse, (reason, line) => skipped.push([reason, line]));
  const transform = new OperatorTransform([parse, normalize, new JsonLineWriterOperator()], { readableObjectMode: false });
  await pipeline(Readable.from([{ input: 'stdin', data: '{"m":{"v":"5"}}\n{"m":{}}\n{"m":{"v":5}}\n' }]), transform, async (source: AsyncIterable<string>) => {
    for await (const _ of source);
  });
  t.same(skipped, [
    ['no numeric value: the field "m.v" is "5", not a number', '{"m":{"v":"5"}}'],
    ['no numeric value: the field "m.v" is missing', '{"m":{}}'],
  ]);
});

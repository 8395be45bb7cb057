import t from 'tap';
import { NdjsonLineParser, type NdjsonParserOptions } from '../../lib/io/ndjson-parser.js';
import type { Rejection } from '../../lib/io/rejection.js';

/** Feeds chunks to a fresh parser and returns the events and rejections. */
function parse(chunks: Array<string | Buffer>, options: NdjsonParserOptions = {}) {
  const events: unknown[] = [];
  const rejections: Rejection[] = [];
  const parser = new NdjsonLineParser({ onError: 'skip', ...options, onReject: (r) => rejections.push(r) }, (event) => events.push(event));
  for (const chunk of chunks) parser.write(chunk);
  parser.finish();
  return { events, rejections, stats: parser.stats };
}

t.test('CRLF with blank line and no final newline', async (t) => {
  const { events, stats } = parse(['{"v":1}\r\n\r\n{"v":2}']);
  t.same(events, [{ v: 1 }, { v: 2 }]);
  t.equal(stats.invalid, 0);
  t.equal(stats.events, 2);
});

t.test('CR and LF in different chunks', async (t) => {
  const { events, rejections } = parse(['{"v":1}\r', '\n{"v":2}\r', '\n']);
  t.same(events, [{ v: 1 }, { v: 2 }]);
  t.same(rejections, []);
});

t.test('byte order mark at start is skipped', async (t) => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const { events } = parse([Buffer.concat([bom, Buffer.from('{"v":1}\n')])]);
  t.same(events, [{ v: 1 }]);
});

t.test('byte order mark split across chunks', async (t) => {
  const { events } = parse([Buffer.from([0xef]), Buffer.from([0xbb]), Buffer.from([0xbf]), Buffer.from('{"v":1}\n')]);
  t.same(events, [{ v: 1 }]);
});

t.test('byte order mark after the start is a bad line', async (t) => {
  const { events, rejections } = parse(['{"v":1}\n\ufeff{"v":2}\n']);
  t.same(events, [{ v: 1 }]);
  t.equal(rejections.length, 1);
  t.equal(rejections[0]!.line, 2);
});

t.test('whitespace-only lines are skipped, not errors', async (t) => {
  const { events, stats } = parse(['  \n\t\n{"v":1}\n \r\n']);
  t.same(events, [{ v: 1 }]);
  t.equal(stats.invalid, 0);
  t.equal(stats.lines, 4);
});

t.test('multi-byte characters split across chunks', async (t) => {
  const bytes = Buffer.from('{"name":"température €😀"}\n');
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  const { events } = parse(chunks);
  t.same(events, [{ name: 'température €😀' }]);
});

t.test('every split point of a two-line input gives the same events', async (t) => {
  const bytes = Buffer.from('{"a":"ü"}\r\n{"b":"😀"}');
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { events } = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
    t.same(events, [{ a: 'ü' }, { b: '😀' }], `cut at byte ${cut}`);
  }
});

t.test('lines split only on LF, not on a lone CR', async (t) => {
  const { events, rejections } = parse(['{"v":"a\\rb"}\r{"v":2}\n']);
  t.same(events, []);
  t.equal(rejections.length, 1);
});

t.test('malformed JSON is rejected with its line number', async (t) => {
  const { events, rejections, stats } = parse(['{"timestamp":0,"value":1}\n{"timestamp":1,\n{"timestamp":2,"value":3}\n'], { inputName: 'a.ndjson' });
  t.equal(events.length, 2);
  t.equal(stats.invalid, 1);
  t.equal(rejections[0]!.input, 'a.ndjson');
  t.equal(rejections[0]!.line, 2);
  t.equal(rejections[0]!.text, '{"timestamp":1,');
  t.match(rejections[0]!.reason, /^invalid JSON/);
});

t.test('non-object JSON values are rejected', async (t) => {
  const { events, rejections } = parse(['[1,2]\n42\n"text"\nnull\ntrue\n{"ok":1}\n']);
  t.same(events, [{ ok: 1 }]);
  t.same(
    rejections.map((r) => r.line),
    [1, 2, 3, 4, 5],
  );
  t.match(rejections[0]!.reason, /not a JSON object: the line holds an array/);
  t.match(rejections[3]!.reason, /holds null/);
});

t.test('fail mode throws naming input and line', async (t) => {
  const parser = new NdjsonLineParser({ inputName: 'events.ndjson' }, () => {});
  parser.write('{"v":1}\n');
  t.throws(() => parser.write('oops\n'), { code: 'ERR_INVALID_LINE', message: /^events\.ndjson:2: invalid JSON/ });
});

t.test('line length limit applies per line', async (t) => {
  const long = `{"v":"${'x'.repeat(100)}"}`;
  const { events, rejections } = parse([`{"v":1}\n${long}\n{"v":2}\n`], { maxLineBytes: 50 });
  t.same(events, [{ v: 1 }, { v: 2 }]);
  t.equal(rejections.length, 1);
  t.equal(rejections[0]!.line, 2);
  t.match(rejections[0]!.reason, /longer than the limit of 50 bytes/);
});

t.test('line length limit counts UTF-8 bytes', async (t) => {
  const line = `{"v":"${'é'.repeat(20)}"}`; // 8 + 40 bytes = 48 bytes, 28 characters
  t.equal(parse([line + '\n'], { maxLineBytes: 48 }).events.length, 1);
  t.equal(parse([line + '\n'], { maxLineBytes: 47 }).rejections.length, 1);
});

t.test('over-long partial line is rejected before its end arrives', async (t) => {
  const rejections: Rejection[] = [];
  const events: unknown[] = [];
  const parser = new NdjsonLineParser({ onError: 'skip', maxLineBytes: 10, onReject: (r) => rejections.push(r) }, (e) => events.push(e));
  parser.write('{"v":1}\n{"v":"');
  for (let i = 0; i < 100; i++) parser.write('yyyyyyyyyy');
  t.equal(rejections.length, 1, 'rejected while the line is still open');
  t.equal(rejections[0]!.line, 2);
  parser.write('"}\n{"v":3}\n');
  parser.finish();
  t.same(events, [{ v: 1 }, { v: 3 }]);
  t.equal(parser.stats.lines, 3);
});

t.test('line exactly at the limit with CRLF is accepted', async (t) => {
  const line = '{"v":12345}'; // 11 bytes
  t.equal(parse([line + '\r', '\n'], { maxLineBytes: 11 }).events.length, 1);
});

t.test('timestamp check rejects missing and invalid timestamps', async (t) => {
  const lines = [
    '{"timestamp":1000}',
    '{"value":1}',
    '{"timestamp":"yesterday"}',
    '{"timestamp":"2024-02-30T00:00:00Z"}',
    '{"timestamp":null}',
    '{"timestamp":1e999}',
    '{"timestamp":"2024-01-01T00:00:00Z"}',
  ];
  const { events, rejections } = parse([lines.join('\n')], { timeField: 'timestamp' });
  t.equal(events.length, 2);
  t.same(
    rejections.map((r) => r.line),
    [2, 3, 4, 5, 6],
  );
  t.match(rejections[0]!.reason, /missing timestamp field "timestamp"/);
  t.match(rejections[1]!.reason, /invalid timestamp in field "timestamp": "yesterday"/);
});

t.test('timestamp check follows dotted paths', async (t) => {
  const { events, rejections } = parse(['{"meta":{"ts":5}}\n{"meta":{}}\n{"meta":3}\n'], { timeField: 'meta.ts' });
  t.equal(events.length, 1);
  t.equal(rejections.length, 2);
});

t.test('empty input gives no events', async (t) => {
  t.same(parse([]).events, []);
  t.same(parse(['']).events, []);
  t.same(parse([Buffer.from([0xef, 0xbb, 0xbf])]).events, []);
});

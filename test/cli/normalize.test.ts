import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseLines, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'evproc-normalize-'));

t.test('normalize keeps big integers', async (t) => {
  const result = await runCli(['normalize', '--min', '0', '--max', '100'], {
    stdin: ['{"id":12345678901234567890,"val', 'ue":42}\n{"id":2,"value":99.5}\n'],
  });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.equal(
    result.stdout,
    '{"id":12345678901234567890,"value":42,"normalized_value":0.42,"severity":"Medium"}\n' +
      '{"id":2,"value":99.5,"normalized_value":0.995,"severity":"Critical"}\n',
  );
});

t.test('normalize reads a custom value field', async (t) => {
  const result = await runCli(['normalize', '--min', '10', '--max', '20', '--value-field', 'm.v'], { stdin: '{"m":{"v":12}}\n' });
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"m":{"v":12},"normalized_value":0.2,"severity":"Low"}\n');
});

t.test('normalize warns about missing values', async (t) => {
  const result = await runCli(['normalize'], { stdin: '{"value":"x"}\n{"value":50}\n' });
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"value":"x"}\n{"value":50,"normalized_value":0.5,"severity":"Medium"}\n');
  t.match(result.stderr, /warning: 1 events had no numeric value at "value"/);
});

t.test('normalize skip counts invalid', async (t) => {
  const result = await runCli(['normalize', '--on-missing-value', 'skip', '--stats-format', 'json'], { stdin: '{"value":"x"}\n{"value":50}\n' });
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"value":50,"normalized_value":0.5,"severity":"Medium"}\n');
  const report = JSON.parse(result.stderr.trim()) as Record<string, unknown>;
  t.equal(report.received, 2);
  t.equal(report.delivered, 1);
  t.equal(report.invalid, 1);
  t.equal(report.without_value, 1);
});

t.test('skipped events reach the dead-letter file', async (t) => {
  const input = join(tmp, 'mixed.ndjson');
  const deadLetter = join(tmp, 'dead.ndjson');
  writeFileSync(input, '{"value":50}\n{"id":"a"}\n{oops\n{"value":"7"}\n');
  const result = await runCli(['normalize', '--on-missing-value', 'skip', '--on-error', 'skip', '--dead-letter', deadLetter, input]);
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"value":50,"normalized_value":0.5,"severity":"Medium"}\n');
  t.equal(result.stderr, 'evproc normalize summary: received 4 events, delivered 1 event, dropped 0, invalid 3, late 0, without value 2\n');
  const rejections = parseLines(readFileSync(deadLetter, 'utf8'));
  t.equal(rejections.length, 3, 'one dead letter per invalid event');
  t.same(rejections[0], { input, line: 2, reason: 'no numeric value: the field "value" is missing', text: '{"id":"a"}' });
  t.same({ ...rejections[1], reason: '' }, { input, line: 3, reason: '', text: '{oops' });
  t.same(rejections[2], { input, line: 4, reason: 'no numeric value: the field "value" is "7", not a number', text: '{"value":"7"}' });
});

t.test('usage errors exit 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--value-field', ''], /invalid field path ""/],
    [['--value-field', 'a..b'], /invalid field path "a..b"/],
    [['--value-field', 'normalized_value'], /invalid value field "normalized_value": normalize replaces normalized_value and severity/],
    [['--value-field', 'severity.level'], /invalid value field "severity.level"/],
    [['--min', '-1e308', '--max', '1e308'], /the width max - min \(1e\+308 - -1e\+308\) overflows a double/],
    [['--min', '0x10'], /option '--min <number>' argument '0x10' is invalid. expected a finite decimal number such as -1.5 or 2e3, got "0x10"/],
    [['--min', ' 5'], /argument ' 5' is invalid/],
    [['--max', '1e400'], /argument '1e400' is invalid/],
    [['--max', '+5'], /argument '\+5' is invalid/],
    [['--max', '05'], /argument '05' is invalid/],
    [['--min', 'Infinity'], /argument 'Infinity' is invalid/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['normalize', ...args], { stdin: '{"value":1}\n' });
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, message, args.join(' '));
    t.equal(result.stdout, '', args.join(' '));
  }
});

t.test('decimal --min and --max forms', async (t) => {
  const result = await runCli(['normalize', '--min=-0.5e1', '--max', '5.0'], { stdin: '{"value":0}\n' });
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '{"value":0,"normalized_value":0.5,"severity":"Medium"}\n');
});

t.test('normalize rejects min above max', async (t) => {
  const result = await runCli(['normalize', '--min', '5', '--max', '1'], { stdin: '{"value":1}\n' });
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /--min 5 is greater than --max 1/);
});

t.test('normalize fails on a malformed line', async (t) => {
  const result = await runCli(['normalize'], { stdin: '{"value":1}\n{oops\n' });
  t.equal(result.code, 1);
  t.match(result.stderr, /stdin:2/);
});

t.test('normalize help lists defaults', async (t) => {
  const result = await runCli(['normalize', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /--min <number>.*\(default: 0\)/s);
  t.match(result.stdout, /--max <number>.*\(default: 100\)/s);
  t.match(result.stdout, /Exit codes:/);
});

import t from 'tap';
import { runCli } from '../helpers/cli.js';

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

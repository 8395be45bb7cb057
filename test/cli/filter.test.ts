import t from 'tap';
import { runCli } from '../helpers/cli.js';

const INPUT = [
  '{"id":12345678901234567890,"severity":"High","value":60.50,"source":"sensor-1"}',
  '{"id":2,"severity":"Low","value":5,"source":"sensor-1"}',
  '{"id":3,"severity":"Critical","value":99,"source":"sensor-2"}',
  '{"id":4,"properties":{"mag":6.1}}',
].join('\n');

t.test('filter passes lines through unchanged', async (t) => {
  const result = await runCli(['filter', '--where', 'severity == "High" or severity == "Critical"'], {
    stdin: [INPUT.slice(0, 30), INPUT.slice(30, 100), INPUT.slice(100)],
  });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.equal(
    result.stdout,
    '{"id":12345678901234567890,"severity":"High","value":60.50,"source":"sensor-1"}\n' +
      '{"id":3,"severity":"Critical","value":99,"source":"sensor-2"}\n',
  );
});

t.test('filter combines conditions', async (t) => {
  const result = await runCli(['filter', '--where', 'value > 50 and source == "sensor-1"', '--stats'], { stdin: INPUT });
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"id":12345678901234567890,"severity":"High","value":60.50,"source":"sensor-1"}\n');
  t.equal(result.stderr, 'evproc filter summary: received 4 events, delivered 1 event, dropped 0, invalid 0, late 0, rejected 3\n');
});

t.test('filter reads dotted paths', async (t) => {
  const result = await runCli(['filter', '--where', 'properties.mag > 5'], { stdin: INPUT });
  t.equal(result.stdout, '{"id":4,"properties":{"mag":6.1}}\n');
});

t.test('filter syntax error exits 2', async (t) => {
  const result = await runCli(['filter', '--where', 'value > 50 and (source == "a"'], { stdin: INPUT });
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /invalid expression at column 30: expected \) to close the \( at column 16/);
});

t.test('filter rejects code injection', async (t) => {
  const result = await runCli(['filter', '--where', 'constructor.constructor("return process")().exit(7)'], { stdin: INPUT });
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /column 24: function calls are not supported/);
});

t.test('filter requires --where', async (t) => {
  const result = await runCli(['filter'], { stdin: INPUT });
  t.equal(result.code, 2);
  t.match(result.stderr, /--where/);
});

t.test('filter skips malformed lines', async (t) => {
  const result = await runCli(['filter', '--where', 'id == 2', '--on-error', 'skip'], { stdin: '{"id":2}\nnot json\n{"id":3}\n' });
  t.equal(result.code, 0);
  t.equal(result.stdout, '{"id":2}\n');
  t.match(result.stderr, /received 3 events, delivered 1 event, dropped 0, invalid 1, late 0, rejected 1/);
});

t.test('filter help explains missing fields', async (t) => {
  const result = await runCli(['filter', '--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /A comparison with a missing field is false/);
  t.match(result.stdout, /Exit codes:/);
});

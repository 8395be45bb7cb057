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

t.test('filter rejects a second --where', async (t) => {
  const result = await runCli(['filter', '--where', 'value > 1', '--where', 'value < 0'], { stdin: INPUT });
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /argument 'value < 0' is invalid. --where is given more than once; join the conditions in one expression with and or or/);
});

t.test('deep nesting is a usage error', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['1000 parentheses', '('.repeat(1000) + 'value > 1' + ')'.repeat(1000), 101],
    ['20,000 not', 'not '.repeat(20_000) + 'value > 1', 401],
  ];
  for (const [name, expression, column] of cases) {
    const result = await runCli(['filter', '--where', expression], { stdin: INPUT });
    t.equal(result.code, 2, name);
    t.equal(result.stdout, '', name);
    t.match(result.stderr, `invalid expression at column ${column}: the expression nests deeper than 100 levels`, name);
    t.notMatch(result.stderr, 'RangeError', name);
  }
});

t.test('expression rules at the CLI', async (t) => {
  const input = '{"id":1,"tags":["a","b"],"value":4}\n{"id":2,"tags":{"length":2},"value":0}\n';
  const cases: Array<[string, string]> = [
    ['tags.length == 2', '{"id":2,"tags":{"length":2},"value":0}\n'],
    ['tags.1 == "b"', '{"id":1,"tags":["a","b"],"value":4}\n'],
    ['10 / value > 1', '{"id":1,"tags":["a","b"],"value":4}\n'],
    ['not (10 / value > 1)', '{"id":2,"tags":{"length":2},"value":0}\n'],
  ];
  for (const [where, expected] of cases) {
    const result = await runCli(['filter', '--where', where], { stdin: input });
    t.equal(result.code, 0, where);
    t.equal(result.stdout, expected, where);
  }
});

t.test('literal errors exit 2', async (t) => {
  const leading = await runCli(['filter', '--where', 'value == 01'], { stdin: INPUT });
  t.equal(leading.code, 2);
  t.match(leading.stderr, 'invalid expression at column 10: invalid number 01: leading zeros are not allowed, as in JSON; write 1');
  const escape = await runCli(['filter', '--where', 'source == "\\x"'], { stdin: INPUT });
  t.equal(escape.code, 2);
  t.match(escape.stderr, 'invalid expression at column 12: invalid escape \\x in string: use');
  t.notMatch(escape.stderr, '\\\\x');
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

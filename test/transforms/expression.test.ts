import t from 'tap';
import { compileExpression, ExpressionError, MAX_EXPRESSION_DEPTH } from '../../lib/transforms/expression.js';

const EVENT = {
  severity: 'High',
  value: 60,
  source: 'sensor-1',
  properties: { mag: 5.5, place: 'north' },
  tags: ['a', 'b'],
  flag: true,
  nothing: null,
  'odd-name': 3,
};

function matches(expression: string, event: Record<string, unknown> = EVENT): boolean {
  return compileExpression(expression)(event);
}

t.test('comparisons and logic', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['severity == "High" or severity == "Critical"', true],
    ['value > 50 and source == "sensor-1"', true],
    ['value > 50 and source == "sensor-2"', false],
    ["source == 'sensor-1'", true],
    ['value >= 60 and value <= 60 and value != 61', true],
    ['value < 60', false],
    ['not value < 60', true],
    ['not (severity == "High")', false],
    ['severity in ["High", "Critical"]', true],
    ['severity in ("Low")', false],
    ['severity not in ["Low", "Medium"]', true],
    ['severity in []', false],
    ['properties.mag > 5', true],
    ['properties.place == "north"', true],
    ['tags.1 == "b"', true],
    ['`odd-name` == 3', true],
    ['flag', true],
    ['flag and not false', true],
    ['nothing == null', true],
    ['"b" > "a"', true],
    ['value > "50"', false],
    ['true or value', true],
    ['(value > 100 or value < 70) and severity != "Low"', true],
  ];
  for (const [expression, expected] of cases) t.equal(matches(expression), expected, expression);
});

t.test('arithmetic and precedence', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['value * 2 + 1 == 121', true],
    ['value + 2 * 3 == 66', true],
    ['(value + 2) * 3 == 186', true],
    ['-value == -60', true],
    ['value % 7 == 4', true],
    ['value / 0 > 1000', false],
    ['value - 10 - 20 == 30', true],
    ['source + 1 == 1', false],
    ['1.5e2 == 150', true],
  ];
  for (const [expression, expected] of cases) t.equal(matches(expression), expected, expression);
});

t.test('missing fields compare false', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['missing == 1', false],
    ['missing != 1', false],
    ['missing > 1 or missing <= 1', false],
    ['missing in [1, 2]', false],
    ['missing not in [1, 2]', false],
    ['missing == null', false],
    ['not (missing == 1)', true],
    ['properties.missing.deeper == 1', false],
    ['value.inner == 1', false],
    ['missing + 1 == 1', false],
    ['properties == properties', false],
  ];
  for (const [expression, expected] of cases) t.equal(matches(expression), expected, expression);
});

t.test('prototype members are never read', async (t) => {
  t.equal(matches('constructor == constructor'), false);
  t.equal(matches('toString != 1'), false);
  t.equal(matches('__proto__ == null'), false);
  t.equal(matches('properties.constructor.name == "Object"'), false);
  t.equal(matches('hasOwnProperty.length == 1'), false);
  const parsed = JSON.parse('{"__proto__":{"polluted":1},"constructor":"own"}') as Record<string, unknown>;
  t.equal(matches('__proto__.polluted == 1', parsed), true, 'an own __proto__ field from JSON is an ordinary field');
  t.equal(matches('constructor == "own"', parsed), true);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
});

t.test('code cannot run', async (t) => {
  let ran = false;
  (globalThis as Record<string, unknown>).evprocProbe = () => {
    ran = true;
  };
  const attempts = [
    'constructor.constructor("return process")()',
    'value.constructor.constructor("return process.exit(3)")()',
    'evprocProbe()',
    '__proto__.constructor("x")',
    'process.exit(1)',
    '[].constructor',
    'value; evprocProbe()',
    'require("fs")',
  ];
  for (const attempt of attempts) {
    t.throws(() => compileExpression(attempt), { code: 'ERR_EXPRESSION' }, attempt);
  }
  t.equal(matches('evprocProbe == evprocProbe'), false, 'globals are not fields');
  t.equal(matches('this.process'), false, '"this" is an ordinary field name');
  t.equal(matches('this.process', { this: { process: true } }), true);
  t.equal(ran, false);
  delete (globalThis as Record<string, unknown>).evprocProbe;
});

t.test('syntax errors give the column', async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ['value > ', 9, /expected a value, found the end of the expression/],
    ['value = 5', 7, /use == to compare/],
    ['value > 5 && flag', 11, /use and, or, not/],
    ['(value > 5', 11, /expected \) to close the \( at column 1/],
    ['value > 5 flag', 11, /expected and, or or the end of the expression, found "flag"/],
    ['severity == "High', 13, /unterminated string/],
    ['severity in "High"', 13, /expected a list after in/],
    ['severity in ["a" "b"]', 18, /expected , or \] in the list/],
    ['value > 5 and', 14, /expected a value/],
    ['', 1, /the expression is empty/],
    ['value + 1', 1, /the expression is a value, not a condition/],
    ['properties.', 12, /expected a field name after "."/],
    ['value > 5 # comment', 11, /unexpected character "#"/],
    ['`unclosed', 1, /unterminated field name/],
    ['"\\q" == x', 2, /invalid escape \\q in string: use \\", \\\', \\\\, /],
    ['"abc\\', 1, /unterminated string/],
    ['value == 01', 10, /invalid number 01: leading zeros are not allowed, as in JSON; write 1/],
    ['value == 007.5', 10, /write 7.5/],
    ['value < 1e400', 9, /invalid number 1e400: it is beyond the range of a double/],
  ];
  for (const [expression, column, message] of cases) {
    try {
      compileExpression(expression);
      t.fail(`${JSON.stringify(expression)} compiled`);
    } catch (err) {
      t.type(err, ExpressionError, expression);
      t.equal((err as ExpressionError).column, column, `column of ${JSON.stringify(expression)}`);
      t.match((err as Error).message, message, expression);
    }
  }
});

t.test('error message points at the column', async (t) => {
  t.throws(() => compileExpression('value >> 5'), {
    message: 'invalid expression at column 8: expected a value, found ">"\n  value >> 5\n         ^',
  });
});

t.test('string escapes decode', async (t) => {
  t.equal(matches('s == "a\\"b\\u0041\\n"', { s: 'a"bA\n' }), true);
  t.equal(matches("s == 'it\\'s'", { s: "it's" }), true);
});

t.test('non-finite arithmetic is missing', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['value / 0 > 1000', false],
    ['value / 0 < 1000', false],
    ['value % 0 == value % 0', false],
    ['value * 1e308 > 0', false],
    ['not (value / 0 > 1)', true],
    ['value / 4 == 15', true],
    ['0 / value == 0', true],
  ];
  for (const [expression, expected] of cases) t.equal(matches(expression), expected, expression);
});

t.test('array paths read indices only', async (t) => {
  t.equal(matches('tags.length == 2'), false);
  t.equal(matches('tags.length != 2'), false, 'length is missing, not a different value');
  t.equal(matches('tags.0 == "a"'), true);
  t.equal(matches('tags.2 == null'), false);
  t.equal(matches('tags.length == 1', { tags: { length: 1 } }), true, 'an object member named length is a field');
  t.equal(matches('`01` == 1', { '01': 1 }), true);
  t.throws(() => compileExpression('list.01 == "b"'), { column: 6, message: /invalid number 01: leading zeros are not allowed/ }, '01 is not an index; `01` in backticks is a field');
});

t.test('leading zeros follow JSON', async (t) => {
  t.equal(matches('0 < value'), true);
  t.equal(matches('0.5 < value'), true);
  t.equal(matches('0e3 == 0'), true);
  t.equal(matches('value == 60.0'), true);
});

t.test('nesting limit is an expression error', async (t) => {
  const limit = MAX_EXPRESSION_DEPTH;
  const cases: Array<[string, string, number]> = [
    ['1000 parentheses', '('.repeat(1000) + 'value > 1' + ')'.repeat(1000), limit + 1],
    ['20,000 not', 'not '.repeat(20_000) + 'value > 1', limit * 4 + 1],
    ['unary minus', '-'.repeat(5000) + 'value > 1', limit + 1],
    ['long sum', 'value' + ' + 1'.repeat(5000) + ' > 1', 'value'.length + 4 * (limit - 1) + 2],
  ];
  for (const [name, expression, column] of cases) {
    try {
      compileExpression(expression);
      t.fail(`${name} compiled`);
    } catch (err) {
      t.type(err, ExpressionError, name);
      t.equal((err as ExpressionError).column, column, `column of ${name}`);
      t.match((err as Error).message, `the expression nests deeper than ${limit} levels`, name);
      t.ok((err as Error).message.length < 500, `${name}: message cut to the text around the column`);
    }
  }
});

t.test('nesting up to the limit works', async (t) => {
  const limit = MAX_EXPRESSION_DEPTH;
  t.equal(matches('('.repeat(limit) + 'value > 1' + ')'.repeat(limit)), true, `${limit} parentheses`);
  t.equal(matches('not '.repeat(limit - 2) + 'value > 1'), true, 'not below the limit');
  const chain = Array.from({ length: 20_000 }, () => 'value > 1').join(' and ');
  t.equal(matches(chain), true, 'a chain of 20,000 and is one level');
  t.equal(matches(chain.replaceAll(' and ', ' or ') + ' or value < 0'), true, 'a chain of or is one level');
});

t.test('long expression error shows an excerpt', async (t) => {
  const expression = 'value > 1 and '.repeat(50) + 'value >> 1';
  try {
    compileExpression(expression);
    t.fail('compiled');
  } catch (err) {
    const [first, excerpt, caret] = (err as Error).message.split('\n');
    // 50 × 14 characters, then "value >" puts the second ">" at column 708; the excerpt starts 60 characters before it.
    t.equal(first, 'invalid expression at column 708: expected a value, found ">"');
    t.equal(excerpt, '  …' + expression.slice(707 - 60));
    t.equal(caret, '  ' + ' '.repeat(61) + '^', 'caret under the column, after the leading …');
    t.equal(excerpt!.charAt(caret!.indexOf('^')), '>');
  }
});

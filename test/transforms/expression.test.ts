import t from 'tap';
import { compileExpression, ExpressionError } from '../../lib/transforms/expression.js';

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
    ['value / 0 > 1000', true],
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
    ['"\\q" == x', 2, /invalid escape/],
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

/**
 * The filter expression language: a small hand-written parser that turns
 * `--where` text into a predicate built from closures. Nothing is generated
 * as code, and nothing is looked up outside the event. Field paths read own
 * properties only and there are no function calls, so text such as
 * `constructor.constructor("return process")()` is a syntax error, and
 * `__proto__` is an ordinary (usually missing) field.
 *
 * Grammar, lowest precedence first:
 *   expr       = and { "or" and }
 *   and        = not { "and" not }
 *   not        = "not" not | comparison
 *   comparison = sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum | ["not"] "in" list ]
 *   sum        = product { ("+" | "-") product }
 *   product    = unary { ("*" | "/" | "%") unary }
 *   unary      = "-" unary | primary
 *   primary    = number | string | true | false | null | path | "(" expr ")"
 *   list       = ("[" | "(") [ sum { "," sum } ] ("]" | ")")
 *   path       = name { "." (name | digits) }, where a name is an identifier or `quoted with backticks`
 *
 * Evaluation rules (see docs/stages.md):
 * - A path with a missing step is "missing". Every comparison with a missing
 *   operand is false, `!=` and `in` included; arithmetic on it stays missing.
 * - `==` and `!=` compare numbers, strings, booleans and null strictly; an
 *   object or array equals nothing. `<`, `<=`, `>`, `>=` compare two numbers or
 *   two strings (by UTF-16 code units) and are false for other pairs.
 * - Arithmetic needs two numbers, else the result is missing.
 * - `and`, `or` and `not` treat only the boolean true as true. The event is
 *   kept when the whole expression is true.
 */
import { EvprocError } from '../errors.js';

/** A compiled expression: returns true when the event matches. */
export type EventPredicate = (event: Record<string, unknown>) => boolean;

/** Raised for a syntax error; `column` is 1-based, in UTF-16 code units of the expression. */
export class ExpressionError extends EvprocError {
  readonly column: number;

  constructor(expression: string, column: number, problem: string) {
    super('ERR_EXPRESSION', `invalid expression at column ${column}: ${problem}\n  ${expression}\n  ${' '.repeat(column - 1)}^`);
    this.name = 'ExpressionError';
    this.column = column;
  }
}

type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'operator' | 'end';

interface Token {
  kind: TokenKind;
  /** Source text of the token; the decoded value for strings and quoted names. */
  text: string;
  /** 1-based column of the first character. */
  column: number;
  number?: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.'];
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const STRING_ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (index: number, problem: string): never => {
    throw new ExpressionError(expression, index + 1, problem);
  };
  while (i < expression.length) {
    const char = expression[i]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
      continue;
    }
    const column = i + 1;
    if (char >= '0' && char <= '9') {
      NUMBER.lastIndex = i;
      const text = NUMBER.exec(expression)![0];
      tokens.push({ kind: 'number', text, column, number: Number(text) });
      i += text.length;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(expression);
    if (identifier !== null) {
      const text = identifier[0];
      tokens.push({ kind: KEYWORDS.has(text) ? 'keyword' : 'name', text, column });
      i += text.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= expression.length) fail(i, `unterminated string: add the closing ${char}`);
        const c = expression[j]!;
        if (c === char) break;
        if (c === '\\') {
          const next = expression[j + 1];
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(expression.slice(j + 2, j + 6))) {
            value += String.fromCharCode(parseInt(expression.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          if (next === undefined || STRING_ESCAPES[next] === undefined) fail(j, `invalid escape ${JSON.stringify('\\' + (next ?? ''))} in string`);
          value += STRING_ESCAPES[next!];
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: value, column });
      i = j + 1;
      continue;
    }
    if (char === '`') {
      const close = expression.indexOf('`', i + 1);
      if (close === -1) fail(i, 'unterminated field name: add the closing `');
      if (close === i + 1) fail(i, 'empty field name between backticks');
      tokens.push({ kind: 'name', text: expression.slice(i + 1, close), column });
      i = close + 1;
      continue;
    }
    const operator = OPERATORS.find((candidate) => expression.startsWith(candidate, i));
    if (operator !== undefined) {
      tokens.push({ kind: 'operator', text: operator, column });
      i += operator.length;
      continue;
    }
    if (char === '=') fail(i, 'unexpected "=": use == to compare');
    if (char === '&' || char === '|' || char === '!') fail(i, `unexpected ${JSON.stringify(char)}: use and, or, not`);
    fail(i, `unexpected character ${JSON.stringify(char)}`);
  }
  tokens.push({ kind: 'end', text: '', column: expression.length + 1 });
  return tokens;
}

/** A compiled node: returns the value, or undefined for missing. */
type Evaluator = (event: Record<string, unknown>) => unknown;

/** Result type of a node, checked once so that the whole expression cannot be arithmetic or a constant. */
type NodeKind = 'condition' | 'value' | 'path';

interface Node {
  evaluate: Evaluator;
  kind: NodeKind;
  column: number;
}

class Parser {
  readonly #expression: string;
  readonly #tokens: Token[];
  #position = 0;

  constructor(expression: string) {
    this.#expression = expression;
    this.#tokens = tokenize(expression);
  }

  parse(): Node {
    if (this.#peek().kind === 'end') this.#fail(this.#peek(), 'the expression is empty');
    const node = this.#or();
    const rest = this.#peek();
    if (rest.kind !== 'end') {
      if (rest.text === '(') this.#fail(rest, 'function calls are not supported');
      this.#fail(rest, `expected and, or or the end of the expression, found ${describe(rest)}`);
    }
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#position]!;
  }

  #take(): Token {
    return this.#tokens[this.#position++]!;
  }

  #accept(text: string): Token | undefined {
    const token = this.#peek();
    if ((token.kind === 'operator' || token.kind === 'keyword') && token.text === text) {
      this.#position++;
      return token;
    }
    return undefined;
  }

  #fail(token: Token, problem: string): never {
    throw new ExpressionError(this.#expression, token.column, problem);
  }

  #or(): Node {
    let left = this.#and();
    for (let token = this.#accept('or'); token !== undefined; token = this.#accept('or')) {
      const a = left.evaluate;
      const b = this.#and().evaluate;
      left = { kind: 'condition', column: left.column, evaluate: (event) => a(event) === true || b(event) === true };
    }
    return left;
  }

  #and(): Node {
    let left = this.#not();
    for (let token = this.#accept('and'); token !== undefined; token = this.#accept('and')) {
      const a = left.evaluate;
      const b = this.#not().evaluate;
      left = { kind: 'condition', column: left.column, evaluate: (event) => a(event) === true && b(event) === true };
    }
    return left;
  }

  #not(): Node {
    const token = this.#accept('not');
    if (token === undefined) return this.#comparison();
    const operand = this.#not().evaluate;
    return { kind: 'condition', column: token.column, evaluate: (event) => operand(event) !== true };
  }

  #comparison(): Node {
    const left = this.#sum();
    const token = this.#peek();
    if (token.kind === 'operator' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.#position++;
      const right = this.#sum();
      return { kind: 'condition', column: left.column, evaluate: compare(token.text, left.evaluate, right.evaluate) };
    }
    let negated = false;
    if (token.kind === 'keyword' && token.text === 'not' && this.#tokens[this.#position + 1]?.text === 'in') {
      this.#position++;
      negated = true;
    }
    if (this.#accept('in') !== undefined) {
      const items = this.#list();
      const value = left.evaluate;
      return {
        kind: 'condition',
        column: left.column,
        evaluate: (event) => {
          const found = value(event);
          if (found === undefined) return false;
          const isMember = items.some((item) => isEqual(found, item(event)));
          return negated ? !isMember : isMember;
        },
      };
    }
    return left;
  }

  #list(): Evaluator[] {
    const open = this.#take();
    if (open.text !== '[' && open.text !== '(') this.#fail(open, `expected a list after in, such as ["a", "b"], found ${describe(open)}`);
    const close = open.text === '[' ? ']' : ')';
    const items: Evaluator[] = [];
    if (this.#accept(close) !== undefined) return items;
    for (;;) {
      items.push(this.#sum().evaluate);
      if (this.#accept(close) !== undefined) return items;
      if (this.#accept(',') === undefined) this.#fail(this.#peek(), `expected , or ${close} in the list, found ${describe(this.#peek())}`);
    }
  }

  #sum(): Node {
    let left = this.#product();
    for (;;) {
      const token = this.#peek();
      if (token.kind !== 'operator' || (token.text !== '+' && token.text !== '-')) return left;
      this.#position++;
      left = arithmetic(token.text, left, this.#product());
    }
  }

  #product(): Node {
    let left = this.#unary();
    for (;;) {
      const token = this.#peek();
      if (token.kind !== 'operator' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.#position++;
      left = arithmetic(token.text, left, this.#unary());
    }
  }

  #unary(): Node {
    const token = this.#accept('-');
    if (token === undefined) return this.#primary();
    const operand = this.#unary().evaluate;
    return {
      kind: 'value',
      column: token.column,
      evaluate: (event) => {
        const value = operand(event);
        return typeof value === 'number' ? -value : undefined;
      },
    };
  }

  #primary(): Node {
    const token = this.#take();
    const { column } = token;
    switch (token.kind) {
      case 'number': {
        const value = token.number!;
        return { kind: 'value', column, evaluate: () => value };
      }
      case 'string': {
        const value = token.text;
        return { kind: 'value', column, evaluate: () => value };
      }
      case 'keyword':
        if (token.text === 'true' || token.text === 'false') {
          const value = token.text === 'true';
          return { kind: 'condition', column, evaluate: () => value };
        }
        if (token.text === 'null') return { kind: 'value', column, evaluate: () => null };
        return this.#fail(token, `expected a value, found ${describe(token)}`);
      case 'name':
        return this.#path(token);
      case 'operator':
        if (token.text === '(') {
          const inner = this.#or();
          if (this.#accept(')') === undefined) this.#fail(this.#peek(), `expected ) to close the ( at column ${column}, found ${describe(this.#peek())}`);
          return inner;
        }
        return this.#fail(token, `expected a value, found ${describe(token)}`);
      case 'end':
        return this.#fail(token, 'expected a value, found the end of the expression');
    }
  }

  #path(first: Token): Node {
    const parts = [first.text];
    while (this.#accept('.') !== undefined) {
      const part = this.#take();
      if (part.kind === 'name' || part.kind === 'keyword' || (part.kind === 'number' && /^\d+$/.test(part.text))) {
        parts.push(part.text);
      } else {
        this.#fail(part, `expected a field name after ".", found ${describe(part)}`);
      }
    }
    if (this.#peek().text === '(' && this.#peek().kind === 'operator') this.#fail(this.#peek(), 'function calls are not supported');
    return { kind: 'path', column: first.column, evaluate: readPath(parts) };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string ${JSON.stringify(token.text)}`;
    default:
      return JSON.stringify(token.text);
  }
}

/** Reads a field path through own properties only, so prototype members such as constructor are never reached. */
function readPath(parts: readonly string[]): Evaluator {
  if (parts.length === 1) {
    const name = parts[0]!;
    return (event) => (Object.hasOwn(event, name) ? event[name] : undefined);
  }
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

function isEqual(a: unknown, b: unknown): boolean {
  return a === b && a !== undefined && (typeof a !== 'object' || a === null);
}

function compare(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  switch (operator) {
    case '==':
      return (event) => isEqual(left(event), right(event));
    case '!=':
      return (event) => {
        const a = left(event);
        const b = right(event);
        return a !== undefined && b !== undefined && !isEqual(a, b);
      };
    default: {
      const order = ORDERINGS[operator]!;
      return (event) => {
        const a = left(event);
        const b = right(event);
        if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return order(a, b);
        return false;
      };
    }
  }
}

const ORDERINGS: Record<string, (a: number | string, b: number | string) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

function arithmetic(operator: string, left: Node, right: Node): Node {
  const apply = ARITHMETIC[operator]!;
  const a = left.evaluate;
  const b = right.evaluate;
  return {
    kind: 'value',
    column: left.column,
    evaluate: (event) => {
      const x = a(event);
      const y = b(event);
      return typeof x === 'number' && typeof y === 'number' ? apply(x, y) : undefined;
    },
  };
}

/**
 * Compiles a filter expression into a predicate. Throws ExpressionError with
 * the column of the first problem, including when the whole expression is
 * a plain value (a number, a string or arithmetic) that can never be true.
 */
export function compileExpression(expression: string): EventPredicate {
  const root = new Parser(expression).parse();
  if (root.kind === 'value') {
    throw new ExpressionError(expression, root.column, 'the expression is a value, not a condition: compare it, for example value > 50');
  }
  const evaluate = root.evaluate;
  return (event) => evaluate(event) === true;
}

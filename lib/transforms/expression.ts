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
 * Limits: an expression nests at most MAX_EXPRESSION_DEPTH levels. Each
 * pair of parentheses, each `not`, each unary `-` and each operator above
 * its operands adds a level, and a chain of `and` or of `or` adds one level
 * in all. Deeper text is a syntax error, so neither parsing nor evaluation
 * can overflow the call stack. Number literals are written as in JSON:
 * no leading zeros, and a literal must be a finite double.
 *
 * Evaluation rules (see docs/stages.md):
 * - A path with a missing step is "missing". Every comparison with a missing
 *   operand is false, `!=` and `in` included; arithmetic on it stays missing.
 *   A path step into an array must be an index such as 0 or 12, so
 *   `tags.length` is missing.
 * - `==` and `!=` compare numbers, strings, booleans and null strictly; an
 *   object or array equals nothing. `<`, `<=`, `>`, `>=` compare two numbers or
 *   two strings (by UTF-16 code units) and are false for other pairs.
 * - Arithmetic needs two numbers, else the result is missing. A result that
 *   is not a finite number (division or remainder by zero, overflow) is
 *   missing too, because JSON has no Infinity or NaN.
 * - `and`, `or` and `not` treat only the boolean true as true. The event is
 *   kept when the whole expression is true.
 */
import { EvprocError } from '../errors.js';

/** A compiled expression: returns true when the event matches. */
export type EventPredicate = (event: Record<string, unknown>) => boolean;

/** Deepest nesting an expression may have, in levels; see the module notes for what counts. */
export const MAX_EXPRESSION_DEPTH = 100;

/** Characters of the expression shown on each side of the error column in a message. */
const EXCERPT_RADIUS = 60;

/** Raised for a syntax error; `column` is 1-based, in UTF-16 code units of the expression. */
export class ExpressionError extends EvprocError {
  readonly column: number;

  constructor(expression: string, column: number, problem: string) {
    // A long expression is cut to the text around the column, marked with "…", so the caret still points at it.
    const start = Math.max(0, column - 1 - EXCERPT_RADIUS);
    const end = Math.min(expression.length, column - 1 + EXCERPT_RADIUS);
    const prefix = start > 0 ? '…' : '';
    const excerpt = `${prefix}${expression.slice(start, end)}${end < expression.length ? '…' : ''}`;
    const caret = ' '.repeat(prefix.length + column - 1 - start);
    super('ERR_EXPRESSION', `invalid expression at column ${column}: ${problem}\n  ${excerpt}\n  ${caret}^`);
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
      if (char === '0' && text.length > 1 && text[1] !== '.' && text[1] !== 'e' && text[1] !== 'E') {
        fail(i, `invalid number ${text}: leading zeros are not allowed, as in JSON; write ${Number(text)}`);
      }
      const number = Number(text);
      if (!Number.isFinite(number)) fail(i, `invalid number ${text}: it is beyond the range of a double`);
      tokens.push({ kind: 'number', text, column, number });
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
          if (next === undefined) fail(i, `unterminated string: add the closing ${char}`);
          if (STRING_ESCAPES[next!] === undefined) fail(j, `invalid escape \\${next} in string: use \\", \\', \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX`);
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
  /** Levels of nodes from this one down to its deepest leaf; a leaf has 1. */
  height: number;
}

class Parser {
  readonly #expression: string;
  readonly #tokens: Token[];
  #position = 0;
  /** Parentheses, `not` and unary `-` open around the token being parsed; bounds the parser's recursion. */
  #depth = 0;

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

  #tooDeep(column: number): never {
    throw new ExpressionError(
      this.#expression,
      column,
      `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (parentheses, not, unary - and operators each add one); simplify it`,
    );
  }

  /**
   * Builds a node one level above `children`. When that is deeper than the
   * limit it fails at `operatorColumn`, the operator's column, which
   * defaults to the node's own.
   */
  #node(kind: NodeKind, column: number, evaluate: Evaluator, children: readonly Node[], operatorColumn = column): Node {
    let height = 1;
    for (const child of children) height = Math.max(height, child.height + 1);
    if (height > MAX_EXPRESSION_DEPTH) this.#tooDeep(operatorColumn);
    return { kind, column, evaluate, height };
  }

  /** Runs `parse` for the operand of an opening token, counting the open levels. */
  #nested<T>(token: Token, parse: () => T): T {
    if (++this.#depth > MAX_EXPRESSION_DEPTH) this.#tooDeep(token.column);
    const result = parse();
    this.#depth--;
    return result;
  }

  // A chain of and or of or becomes one node that loops over its operands, so a long chain adds one level, not one per operator.
  #or(): Node {
    const first = this.#and();
    const operands = [first];
    while (this.#accept('or') !== undefined) operands.push(this.#and());
    if (operands.length === 1) return first;
    const evaluators = operands.map((operand) => operand.evaluate);
    return this.#node('condition', first.column, (event) => evaluators.some((evaluate) => evaluate(event) === true), operands);
  }

  #and(): Node {
    const first = this.#not();
    const operands = [first];
    while (this.#accept('and') !== undefined) operands.push(this.#not());
    if (operands.length === 1) return first;
    const evaluators = operands.map((operand) => operand.evaluate);
    return this.#node('condition', first.column, (event) => evaluators.every((evaluate) => evaluate(event) === true), operands);
  }

  #not(): Node {
    const token = this.#accept('not');
    if (token === undefined) return this.#comparison();
    const operand = this.#nested(token, () => this.#not());
    const evaluate = operand.evaluate;
    return this.#node('condition', token.column, (event) => evaluate(event) !== true, [operand]);
  }

  #comparison(): Node {
    const left = this.#sum();
    const token = this.#peek();
    if (token.kind === 'operator' && ['==', '!=', '<', '<=', '>', '>='].includes(token.text)) {
      this.#position++;
      const right = this.#sum();
      return this.#node('condition', left.column, compare(token.text, left.evaluate, right.evaluate), [left, right], token.column);
    }
    let negated = false;
    if (token.kind === 'keyword' && token.text === 'not' && this.#tokens[this.#position + 1]?.text === 'in') {
      this.#position++;
      negated = true;
    }
    if (this.#accept('in') !== undefined) {
      const items = this.#list();
      const value = left.evaluate;
      const evaluators = items.map((item) => item.evaluate);
      const evaluate: Evaluator = (event) => {
        const found = value(event);
        if (found === undefined) return false;
        const isMember = evaluators.some((item) => isEqual(found, item(event)));
        return negated ? !isMember : isMember;
      };
      return this.#node('condition', left.column, evaluate, [left, ...items]);
    }
    return left;
  }

  #list(): Node[] {
    const open = this.#take();
    if (open.text !== '[' && open.text !== '(') this.#fail(open, `expected a list after in, such as ["a", "b"], found ${describe(open)}`);
    const close = open.text === '[' ? ']' : ')';
    const items: Node[] = [];
    if (this.#accept(close) !== undefined) return items;
    for (;;) {
      items.push(this.#sum());
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
      const right = this.#product();
      left = this.#node('value', left.column, arithmetic(token.text, left.evaluate, right.evaluate), [left, right], token.column);
    }
  }

  #product(): Node {
    let left = this.#unary();
    for (;;) {
      const token = this.#peek();
      if (token.kind !== 'operator' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.#position++;
      const right = this.#unary();
      left = this.#node('value', left.column, arithmetic(token.text, left.evaluate, right.evaluate), [left, right], token.column);
    }
  }

  #unary(): Node {
    const token = this.#accept('-');
    if (token === undefined) return this.#primary();
    const operand = this.#nested(token, () => this.#unary());
    const evaluate = operand.evaluate;
    return this.#node(
      'value',
      token.column,
      (event) => {
        const value = evaluate(event);
        return typeof value === 'number' ? -value : undefined;
      },
      [operand],
    );
  }

  #primary(): Node {
    const token = this.#take();
    const { column } = token;
    switch (token.kind) {
      case 'number': {
        const value = token.number!;
        return { kind: 'value', column, evaluate: () => value, height: 1 };
      }
      case 'string': {
        const value = token.text;
        return { kind: 'value', column, evaluate: () => value, height: 1 };
      }
      case 'keyword':
        if (token.text === 'true' || token.text === 'false') {
          const value = token.text === 'true';
          return { kind: 'condition', column, evaluate: () => value, height: 1 };
        }
        if (token.text === 'null') return { kind: 'value', column, evaluate: () => null, height: 1 };
        return this.#fail(token, `expected a value, found ${describe(token)}`);
      case 'name':
        return this.#path(token);
      case 'operator':
        if (token.text === '(') {
          const inner = this.#nested(token, () => this.#or());
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
    return { kind: 'path', column: first.column, evaluate: readPath(parts), height: 1 };
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

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Reads a field path through own properties only, so prototype members such
 * as constructor are never reached. In an array only an index is a member:
 * `length` is an own property of every array but not a JSON member.
 */
function readPath(parts: readonly string[]): Evaluator {
  if (parts.length === 1) {
    const name = parts[0]!;
    return (event) => (Object.hasOwn(event, name) ? event[name] : undefined);
  }
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
      if (Array.isArray(current) && !ARRAY_INDEX.test(part)) return undefined;
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

/** Returns the evaluator of an arithmetic operator; a result that is not a finite number is missing. */
function arithmetic(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  const apply = ARITHMETIC[operator]!;
  return (event) => {
    const x = left(event);
    const y = right(event);
    if (typeof x !== 'number' || typeof y !== 'number') return undefined;
    const result = apply(x, y);
    return Number.isFinite(result) ? result : undefined;
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

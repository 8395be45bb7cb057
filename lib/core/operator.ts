/**
 * Operators are evproc's per-item processing steps without a stream around
 * them. A chain of operators runs inside one Transform (see
 * operator-transform.ts), so consecutive stages cost a method call per item
 * instead of a stream boundary per item.
 *
 * Contract: `push` handles one item and may call `next.push` any number of
 * times, synchronously. `drain` is called after each input chunk and lets an
 * operator hand on what it gathered (the NDJSON writer joins lines this way).
 * `end` is called once at the end of input: the operator emits what it still
 * holds, then calls `next.end()`. An operator reports bad input by throwing;
 * the surrounding Transform passes the error to its callback.
 */
export interface Downstream<T> {
  push(item: T): void;
  drain(): void;
  end(): void;
}

export abstract class Operator<In, Out> implements Downstream<In> {
  /** Set when the operator is linked into a chain. */
  next: Downstream<Out> = UNLINKED as Downstream<Out>;

  abstract push(item: In): void;

  drain(): void {
    this.next.drain();
  }

  end(): void {
    this.next.end();
  }
}

const UNLINKED: Downstream<unknown> = {
  push() {
    throw new Error('operator used before it was linked into a chain');
  },
  drain() {},
  end() {},
};

/** Links operators in order and returns the first one; the last one feeds `tail`. */
export function linkOperators(operators: ReadonlyArray<Operator<any, any>>, tail: Downstream<any>): Downstream<any> {
  if (operators.length === 0) return tail;
  for (let i = 0; i < operators.length - 1; i++) {
    operators[i]!.next = operators[i + 1]!;
  }
  operators[operators.length - 1]!.next = tail;
  return operators[0]!;
}

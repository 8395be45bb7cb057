import t from 'tap';
import { NormalizeOperator } from '../../lib/transforms/normalize.js';

function runOperator(inPlace: boolean, event: Record<string, unknown>) {
  const pushed: unknown[] = [];
  const operator = new NormalizeOperator({ min: 0, max: 100, inPlace });
  operator.next = { push: (item) => pushed.push(item), drain() {}, end() {} };
  operator.push(event);
  return pushed;
}

t.test('in place sets fields on the event', async (t) => {
  const event = { id: 1, value: 95 };
  const pushed = runOperator(true, event);
  t.equal(pushed[0], event, 'the same object is pushed');
  t.same(event, { id: 1, value: 95, normalized_value: 0.95, severity: 'Critical' });
});

t.test('default copies the event', async (t) => {
  const event = { id: 1, value: 45 };
  const pushed = runOperator(false, event);
  t.not(pushed[0], event);
  t.same(event, { id: 1, value: 45 }, 'the input is unchanged');
  t.same(pushed[0], { id: 1, value: 45, normalized_value: 0.45, severity: 'Medium' });
});

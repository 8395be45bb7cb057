import t from 'tap';
import { KeyStates } from '../../lib/anomaly/key-states.js';

t.test('key states evict least recently seen', async (t) => {
  const states = new KeyStates<number>(3);
  states.add('a', 1);
  states.add('b', 2);
  states.add('c', 3);
  t.equal(states.get('a'), 1, 'a is now the most recently seen');
  states.add('d', 4);
  t.equal(states.peek('b'), undefined, 'b was the least recently seen');
  t.equal(states.evicted, 1);
  t.equal(states.peek('c'), 3, 'peek does not mark c as seen');
  states.add('e', 5);
  t.equal(states.peek('c'), undefined);
  t.same(['a', 'd', 'e'].map((key) => states.peek(key)), [1, 4, 5]);
  t.equal(states.size, 3);
  t.equal(states.evicted, 2);

  // Many keys through a small cap: only the last ones stay.
  const churn = new KeyStates<number>(2);
  for (let i = 0; i < 10_000; i++) churn.add(i, i);
  t.equal(churn.size, 2);
  t.equal(churn.evicted, 9998);
  t.same([churn.peek(9998), churn.peek(9999), churn.peek(9997)], [9998, 9999, undefined]);
});

t.test('key states reject a cap below 1', async (t) => {
  t.throws(() => new KeyStates(0), { code: 'ERR_INVALID_OPTION', message: /invalid maximum number of keys 0/ });
});

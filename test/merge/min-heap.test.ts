import t from 'tap';
import { MinHeap } from '../../lib/merge/min-heap.js';

t.test('min-heap pops in ascending order', async (t) => {
  const heap = new MinHeap<number>((a, b) => a - b);
  const values = [5, 3, 9, 1, 1, 8, 2, 7, 0, 6, 4];
  for (const value of values) heap.push(value);
  t.equal(heap.size, values.length);
  t.equal(heap.peek(), 0);
  const popped: number[] = [];
  while (heap.size > 0) popped.push(heap.pop()!);
  t.same(popped, [...values].sort((a, b) => a - b));
  t.equal(heap.pop(), undefined);
});

t.test('min-heap breaks ties with the comparator', async (t) => {
  const heap = new MinHeap<{ key: number; order: number }>((a, b) => a.key - b.key || a.order - b.order);
  heap.push({ key: 1, order: 2 });
  heap.push({ key: 1, order: 0 });
  heap.push({ key: 0, order: 5 });
  heap.push({ key: 1, order: 1 });
  t.same([heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((item) => item!.order), [5, 0, 1, 2]);
});

import t from 'tap';
import { RingBuffer } from '../../lib/buffer/ring-buffer.js';

t.test('ring keeps order across wraparound', async (t) => {
  const ring = new RingBuffer<number>(3);
  const output: number[] = [];
  for (let i = 0; i < 10; i++) {
    ring.push(i);
    if (i % 2 === 1) output.push(ring.shift()!);
    if (ring.isFull) output.push(ring.shift()!);
  }
  while (ring.length > 0) output.push(ring.shift()!);
  t.same(output, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

t.test('ring reports length and fullness', async (t) => {
  const ring = new RingBuffer<string>(2);
  t.equal(ring.length, 0);
  t.equal(ring.shift(), undefined);
  ring.push('a');
  ring.push('b');
  t.equal(ring.isFull, true);
  t.equal(ring.shift(), 'a');
  ring.push('c');
  t.equal(ring.length, 2);
  t.equal(ring.shift(), 'b');
  t.equal(ring.shift(), 'c');
  ring.push('d');
  ring.clear();
  t.equal(ring.length, 0);
  t.equal(ring.shift(), undefined);
});

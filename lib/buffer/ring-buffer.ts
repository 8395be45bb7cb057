/**
 * A fixed-size FIFO queue over a preallocated array with head and tail
 * indexes, so adding and removing are O(1) and never move other items.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  readonly #slots: Array<T | undefined>;
  /** Index of the oldest item. */
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.#length;
  }

  get isFull(): boolean {
    return this.#length === this.capacity;
  }

  /** Adds an item at the tail; the caller checks `isFull` first. */
  push(item: T): void {
    let tail = this.#head + this.#length;
    if (tail >= this.capacity) tail -= this.capacity;
    this.#slots[tail] = item;
    this.#length++;
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
    this.#length--;
    return item;
  }

  /** Removes every item, releasing the references. */
  clear(): void {
    this.#slots.fill(undefined);
    this.#head = 0;
    this.#length = 0;
  }
}

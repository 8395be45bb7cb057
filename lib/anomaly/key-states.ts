import { InvalidOptionError } from '../errors.js';
import type { WindowKey } from '../window/window-key.js';

/** Default cap on the keys a detector tracks. */
export const DEFAULT_MAX_KEYS = 100_000;

/** An entry of the recency list. */
interface KeyEntry<State> {
  key: WindowKey;
  state: State;
  /** The entry seen just before this one (toward the least recent), or null. */
  older: KeyEntry<State> | null;
  /** The entry seen just after this one (toward the most recent), or null. */
  newer: KeyEntry<State> | null;
}

/**
 * Per-key detector state with a cap on the number of keys. When a new key
 * arrives and `maxKeys` keys are tracked, the key seen least recently is
 * evicted and counted. If it comes back, it starts over, warm-up included.
 *
 * Memory: at most `maxKeys` states. The keys form a doubly linked list in
 * order of last use next to a Map from key to entry, so every lookup and
 * eviction is O(1). (Evicting the first key of a Map instead gets slower
 * with every eviction, because V8 skips the deleted entries at the front.)
 */
export class KeyStates<State> {
  readonly #entries = new Map<WindowKey, KeyEntry<State>>();
  readonly #maxKeys: number;
  /** Least recently seen entry. */
  #oldest: KeyEntry<State> | null = null;
  /** Most recently seen entry. */
  #newest: KeyEntry<State> | null = null;
  /** Keys evicted to stay within maxKeys. */
  evicted = 0;

  constructor(maxKeys: number = DEFAULT_MAX_KEYS) {
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new InvalidOptionError(`invalid maximum number of keys ${maxKeys}: expected a whole number, at least 1`);
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the state of `key`, marked as the most recently seen, or undefined when the key is not tracked. */
  get(key: WindowKey): State | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry !== this.#newest) {
      this.#unlink(entry);
      this.#append(entry);
    }
    return entry.state;
  }

  /** Returns the state of `key` without marking it as seen. */
  peek(key: WindowKey): State | undefined {
    return this.#entries.get(key)?.state;
  }

  /** Starts tracking `key` (which must not be tracked yet), evicting the least recently seen key when the cap is reached. */
  add(key: WindowKey, state: State): void {
    if (this.#entries.size >= this.#maxKeys) {
      const oldest = this.#oldest!;
      this.#unlink(oldest);
      this.#entries.delete(oldest.key);
      this.evicted++;
    }
    const entry: KeyEntry<State> = { key, state, older: null, newer: null };
    this.#entries.set(key, entry);
    this.#append(entry);
  }

  #unlink(entry: KeyEntry<State>): void {
    if (entry.older === null) this.#oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.#newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  #append(entry: KeyEntry<State>): void {
    entry.older = this.#newest;
    if (this.#newest === null) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }
}

/**
 * Counters of a buffer. At every moment `received` = `delivered` +
 * `dropped` + `buffered`.
 */
export interface BufferStats {
  /** Items accepted from the writer: stored or dropped. */
  received: number;
  /** Items pushed to the reader. */
  delivered: number;
  /** Items shed by the policy: evicted, rejected or sampled out. */
  dropped: number;
  /** Items in the buffer now. */
  buffered: number;
}

/** Fraction of received items that were dropped, in [0, 1]; 0 before any item. */
export function dropRate(stats: BufferStats): number {
  return stats.received === 0 ? 0 : stats.dropped / stats.received;
}

import { InvalidOptionError } from '../errors.js';

/** Severity levels from the normalized value, lowest first. */
export type Severity = 'Low' | 'Medium' | 'High' | 'Critical';

export const SEVERITIES: readonly Severity[] = ['Low', 'Medium', 'High', 'Critical'];

/** The range that maps event values onto [0, 1]. */
export interface NormalizationRange {
  min: number;
  max: number;
}

export const DEFAULT_RANGE: NormalizationRange = { min: 0, max: 100 };

/** Checks a range once, at construction; min may equal max. */
export function validateRange(range: NormalizationRange): NormalizationRange {
  const { min, max } = range;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InvalidOptionError(`invalid normalization range: min ${min} and max ${max} must be finite numbers`);
  }
  if (min > max) {
    throw new InvalidOptionError(`invalid normalization range: min ${min} is greater than max ${max}`);
  }
  if (!Number.isFinite(max - min)) {
    throw new InvalidOptionError(`invalid normalization range: the width max - min (${max} - ${min}) overflows a double`);
  }
  return { min, max };
}

/**
 * Scales `value` to [0, 1] between min and max. Values outside the range
 * clamp to 0 or 1; when min equals max every value maps to 0.5.
 */
export function normalizeValue(value: number, min: number, max: number): number {
  if (min === max) return 0.5;
  const scaled = (value - min) / (max - min);
  if (scaled < 0) return 0;
  if (scaled > 1) return 1;
  return scaled;
}

/**
 * Index into SEVERITIES for a normalized value: Low below 0.3, Medium below
 * 0.6, High below 0.9, Critical from 0.9.
 */
export function severityIndex(normalized: number): 0 | 1 | 2 | 3 {
  if (normalized < 0.3) return 0;
  if (normalized < 0.6) return 1;
  if (normalized < 0.9) return 2;
  return 3;
}

export function severityOf(normalized: number): Severity {
  return SEVERITIES[severityIndex(normalized)]!;
}

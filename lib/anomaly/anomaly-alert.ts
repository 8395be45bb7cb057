import type { Severity } from '../event/severity.js';
import type { WindowResult } from '../window/window-aggregate.js';
import type { WindowKey } from '../window/window-key.js';

/** The window an alert is about: the fields of a WindowResult that matter to a reader of alerts. */
export interface AlertWindow {
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
  /** The --by key; present only when windows are keyed. */
  key?: unknown;
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
}

/**
 * One anomaly alert, written as one NDJSON line. It carries `timestamp`,
 * `source` and `event_type` so alerts are events that other evproc commands
 * can read.
 */
export interface AnomalyAlert {
  /** The window end, epoch ms. */
  timestamp: number;
  /**
   * The window key as its JSON value (1 and "1" stay apart, a missing key
   * field is null); present only when windows are keyed.
   */
  source?: WindowKey;
  event_type: 'Alert';
  message: string;
  severity: Severity;
  /** The rule that fired; with several, the one with the highest score. */
  rule: string;
  /** Every rule that fired on this window, strongest first. */
  rules: string[];
  window: AlertWindow;
  /** The baseline the window was compared with; its fields depend on the mode. */
  baseline: Record<string, number | null>;
  /** How far the window is from its baseline: ratios for "first", z-scores for "adaptive". */
  scores: Record<string, number | null>;
}

/** A detector's decision about one window. */
export interface WindowDecision {
  /** True while the window's key is in alert, including the window that raised the alert. */
  inAlert: boolean;
  /** The alert raised by this window, if any. */
  alert?: AnomalyAlert;
}

/** A detector compares each window with the baseline of its key. */
export interface WindowDetector {
  observe(window: WindowResult): WindowDecision;
  /** Number of keys with a baseline. */
  readonly keyCount: number;
  /** Keys whose baseline was dropped to stay within the cap on keys. */
  readonly evictedKeys: number;
}

/** Copies the fields of a window result that an alert shows. */
export function alertWindowOf(window: WindowResult): AlertWindow {
  const result: AlertWindow = { start: window.window_start, end: window.window_end } as AlertWindow;
  if ('key' in window) result.key = window.key;
  result.count = window.event_count;
  result.avg = window.avg_value;
  result.min = window.min_value;
  result.max = window.max_value;
  return result;
}

/** Names a window for messages: "mote-1, window 2010-05-09T03:15:00.000Z" or "window …" when not keyed. */
export function describeWindow(window: WindowResult): string {
  const start = new Date(window.window_start).toISOString();
  return 'key' in window ? `${formatKey(window.key)}, window ${start}` : `window ${start}`;
}

/**
 * Formats a key for messages: strings as they are, other values as JSON.
 * The key 1 and the key "1" therefore read alike here; the alert's `source` keeps them apart.
 */
export function formatKey(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/** Fills in the fields every alert has. */
export function buildAlert(window: WindowResult, fields: Pick<AnomalyAlert, 'message' | 'severity' | 'rules' | 'baseline' | 'scores'>): AnomalyAlert {
  const alert: AnomalyAlert = { timestamp: window.window_end } as AnomalyAlert;
  if ('key' in window) alert.source = window.key as WindowKey;
  alert.event_type = 'Alert';
  alert.message = fields.message;
  alert.severity = fields.severity;
  alert.rule = fields.rules[0]!;
  alert.rules = fields.rules;
  alert.window = alertWindowOf(window);
  alert.baseline = fields.baseline;
  alert.scores = fields.scores;
  return alert;
}

/** Rounds a statistic for alert output to 4 decimals, keeping null. */
export function round4(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

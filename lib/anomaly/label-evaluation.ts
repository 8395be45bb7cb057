import type { Event } from '../event/event.js';
import { compileFieldPath } from '../event/field-path.js';
import { TumblingWindowOperator } from '../window/tumbling-window.js';
import { toWindowKey } from '../window/window-key.js';
import { WindowAnomalyOperator, type WindowAnomalyOptions } from './window-anomaly.js';

/** Options of an evaluation: the window, the key and value fields, the detector options and the label field. */
export interface EvaluationOptions extends Omit<WindowAnomalyOptions, 'onDecision' | 'window'> {
  /** Window length, ms. */
  size: number;
  /** Dotted path of the key (one baseline per key). Default: no key. */
  keyField?: string;
  /** Dotted path of the value. Default "value". */
  valueField?: string;
  /** Dotted path of the label; an event is anomalous when it is 1 or true. Default "label". */
  labelField?: string;
}

/** Window-level scores of a detector against labels. */
export interface EvaluationResult {
  /** (key, window) pairs, scored or not. */
  windows: number;
  /**
   * Of those, the pairs still open at the end of the events. The detector
   * does not score them, so a positive one counts as a false negative.
   */
  unscored: number;
  /** Windows with at least one labelled event. */
  positives: number;
  /** Windows the detector marked: in alert (adaptive) or alerting (first). */
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Alerts emitted, and how many of them were raised by a labelled window. */
  alerts: number;
  alertsOnLabelled: number;
}

/**
 * Runs the tumbling window and the anomaly detector over labelled events and
 * scores the result per (key, window). A window is positive when any of its
 * events has label 1 (or true). It is predicted positive when the detector
 * reports its key in alert for it, which for "first" means it raised an
 * alert. Precision is TP / (TP + FP), recall TP / (TP + FN), and F1 their
 * harmonic mean. Each is 0 when its denominator is 0.
 *
 * Events must be sorted by time and carry `timestamp` in epoch ms.
 */
export function evaluateAgainstLabels(events: Iterable<Event>, options: EvaluationOptions): EvaluationResult {
  const getKey = options.keyField === undefined ? undefined : compileFieldPath(options.keyField);
  const getLabel = compileFieldPath(options.labelField ?? 'label');
  const size = options.size;
  const positiveWindows = new Set<string>();
  const windowId = (key: unknown, start: number): string => `${JSON.stringify(key)}@${start}`;

  let windows = 0;
  let predicted = 0;
  let truePositives = 0;
  let alertsOnLabelled = 0;
  const decided: Array<{ id: string; inAlert: boolean; alert: boolean }> = [];
  const window = new TumblingWindowOperator({
    size,
    valueField: options.valueField ?? 'value',
    ...(options.keyField === undefined ? {} : { keyField: options.keyField }),
  });
  const detector = new WindowAnomalyOperator({
    ...options,
    window,
    onDecision: (result, decision) => {
      decided.push({ id: windowId(result.key ?? null, result.window_start), inAlert: decision.inAlert, alert: decision.alert !== undefined });
    },
  });
  window.next = detector;
  detector.next = { push() {}, drain() {}, end() {} };

  for (const event of events) {
    const label = getLabel(event);
    if (label === 1 || label === true) {
      const key = getKey === undefined ? null : toWindowKey(getKey(event));
      positiveWindows.add(windowId(key, Math.floor((event.timestamp as number) / size) * size));
    }
    window.push(event);
  }
  window.end();

  for (const decision of decided) {
    windows++;
    const positive = positiveWindows.has(decision.id);
    if (decision.inAlert) {
      predicted++;
      if (positive) truePositives++;
    }
    if (decision.alert && positive) alertsOnLabelled++;
  }
  const falsePositives = predicted - truePositives;
  const falseNegatives = positiveWindows.size - truePositives;
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = positiveWindows.size === 0 ? 0 : truePositives / positiveWindows.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    windows: windows + detector.stats.unscored,
    unscored: detector.stats.unscored,
    positives: positiveWindows.size,
    predicted,
    truePositives,
    falsePositives,
    falseNegatives,
    precision,
    recall,
    f1,
    alerts: detector.stats.alerts,
    alertsOnLabelled,
  };
}

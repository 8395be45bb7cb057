import { Operator } from '../core/operator.js';
import { OperatorTransform } from '../core/operator-transform.js';
import { InvalidOptionError } from '../errors.js';
import type { WindowResult } from '../window/window-aggregate.js';
import { AdaptiveBaseline, type AdaptiveBaselineOptions } from './adaptive-baseline.js';
import type { AnomalyAlert, WindowDecision, WindowDetector } from './anomaly-alert.js';
import { FirstWindowRule, type FirstWindowRuleOptions } from './first-window-rule.js';

/** The baseline mode: the first window of each key, or a moving (adaptive) mean and deviation per key. */
export type BaselineMode = 'first' | 'adaptive';

export function parseBaselineMode(text: string): BaselineMode {
  if (text === 'first' || text === 'adaptive') return text;
  throw new InvalidOptionError(`invalid baseline ${JSON.stringify(text)}: expected first or adaptive`);
}

/** The part of a window operator (TumblingWindowOperator) that tells complete windows from those closed at the end of input. */
export interface WatermarkSource {
  /** Epoch ms; a window whose end is at or before it was closed by event time. */
  readonly watermark: number;
}

/** Options of WindowAnomalyOperator. The object is read once and not kept. */
export interface WindowAnomalyOptions extends AdaptiveBaselineOptions, FirstWindowRuleOptions {
  /** Default "adaptive". */
  baseline?: BaselineMode;
  /**
   * The window operator that feeds this detector. Windows it emits with an
   * end past its watermark were closed by the end of input (or a stop on
   * SIGINT or SIGTERM) and are cut short, so they are counted as `unscored`
   * and never compared or learned. Without it every window is scored,
   * including a cut-off last one.
   */
  window?: WatermarkSource;
  /** Called with every window and the decision about it, alert or not; used to score detectors against labels. */
  onDecision?: (window: WindowResult, decision: WindowDecision) => void;
}

/** Counters of an anomaly stage. */
export interface AnomalyStats {
  /** Windows received, scored or not. */
  windows: number;
  /** Windows closed by the end of input rather than by the watermark, and so not scored. */
  unscored: number;
  /** Alerts emitted. */
  alerts: number;
  /** Windows that were in alert, including those that raised one. */
  windowsInAlert: number;
  /** Keys whose baseline was dropped to stay within maxKeys. */
  keysEvicted: number;
}

/**
 * Compares each window result with its key's baseline and emits an
 * AnomalyAlert when the window is anomalous (see FirstWindowRule and
 * AdaptiveBaseline for the rules). Chain it after TumblingWindowOperator,
 * and pass that operator as the `window` option so the windows cut short
 * by the end of input are not scored. Holds nothing between windows but the
 * per-key baselines.
 */
export class WindowAnomalyOperator extends Operator<WindowResult, AnomalyAlert> {
  readonly stats: AnomalyStats = { windows: 0, unscored: 0, alerts: 0, windowsInAlert: 0, keysEvicted: 0 };
  readonly #detector: WindowDetector;
  readonly #onDecision: WindowAnomalyOptions['onDecision'];
  readonly #window: WatermarkSource | undefined;

  constructor(options: WindowAnomalyOptions = {}) {
    super();
    const mode = options.baseline ?? 'adaptive';
    if (mode !== 'first' && mode !== 'adaptive') parseBaselineMode(String(mode));
    this.#detector = mode === 'first' ? new FirstWindowRule(options) : new AdaptiveBaseline(options);
    this.#onDecision = options.onDecision;
    this.#window = options.window;
  }

  /** Number of keys with a baseline. */
  get keyCount(): number {
    return this.#detector.keyCount;
  }

  push(window: WindowResult): void {
    this.stats.windows++;
    if (this.#window !== undefined && window.window_end > this.#window.watermark) {
      this.stats.unscored++;
      return;
    }
    const decision = this.#detector.observe(window);
    this.stats.keysEvicted = this.#detector.evictedKeys;
    if (decision.inAlert) this.stats.windowsInAlert++;
    this.#onDecision?.(window, decision);
    if (decision.alert !== undefined) {
      this.stats.alerts++;
      this.next.push(decision.alert);
    }
  }
}

/** Options of createWindowAnomalyDetector. */
export interface WindowAnomalyTransformOptions extends WindowAnomalyOptions {
  /** Readable-side buffer limit, in alerts. Default 16. */
  highWaterMark?: number;
}

/** Creates an objectMode Transform from WindowResults to AnomalyAlerts; see WindowAnomalyOperator. */
export function createWindowAnomalyDetector(options: WindowAnomalyTransformOptions = {}): OperatorTransform & { stats: AnomalyStats } {
  const operator = new WindowAnomalyOperator(options);
  const transform = new OperatorTransform([operator], options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
  return Object.assign(transform, { stats: operator.stats });
}

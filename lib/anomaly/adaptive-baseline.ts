import { InvalidOptionError } from '../errors.js';
import type { Severity } from '../event/severity.js';
import type { WindowResult } from '../window/window-aggregate.js';
import { toWindowKey, type WindowKey } from '../window/window-key.js';
import { buildAlert, describeWindow, round4, type WindowDecision, type WindowDetector } from './anomaly-alert.js';

/** Options of the adaptive baseline. The object is read once and not kept. */
export interface AdaptiveBaselineOptions {
  /** Weight of the newest window in the moving mean and variance, in (0, 1]. Default 0.1 (a memory of about 10 windows). */
  alpha?: number;
  /** |z| at or above which a key enters alert. Default 4. */
  threshold?: number;
  /** |z| below which a key in alert leaves it; at most threshold. Default threshold / 2. */
  exitThreshold?: number;
  /** Windows of a key that only train its baseline before it can alert. Default 10. */
  warmup?: number;
  /** Factor on alpha while a key is in alert: 0 freezes the baseline, 1 learns as usual. Default 0. */
  alertAlphaFactor?: number;
  /**
   * Smallest standard deviation used for the average, as a fraction of the
   * moving mean's magnitude, so a very steady signal does not make every
   * small change an anomaly. Default 0.02.
   */
  minRelativeDeviation?: number;
}

/** Defaults of the adaptive baseline; docs/anomalies.md explains how they were chosen. */
export const ADAPTIVE_DEFAULTS = {
  alpha: 0.1,
  threshold: 4,
  warmup: 10,
  alertAlphaFactor: 0,
  minRelativeDeviation: 0.02,
} as const;

/**
 * An exponentially weighted moving mean and variance (West's EWMV update):
 * with d = x − mean, mean += α·d and variance = (1 − α)·(variance + α·d²).
 */
class MovingStat {
  mean = 0;
  variance = 0;
  samples = 0;

  /** Adds x with weight alpha; the first samples use 1 / samples instead when that is larger, so the start is a plain average. */
  update(x: number, alpha: number): void {
    this.samples++;
    if (this.samples === 1) {
      this.mean = x;
      return;
    }
    const weight = Math.max(alpha, 1 / this.samples);
    const diff = x - this.mean;
    this.mean += weight * diff;
    this.variance = (1 - weight) * (this.variance + weight * diff * diff);
  }

  /** z-score of x against this statistic, with the standard deviation at least `floor`. */
  zScore(x: number, floor: number): number {
    const deviation = Math.max(Math.sqrt(this.variance), floor, Number.EPSILON);
    return (x - this.mean) / deviation;
  }
}

interface KeyState {
  windows: number;
  avg: MovingStat;
  count: MovingStat;
  inAlert: boolean;
}

/**
 * Per-key adaptive baseline over the window statistics "avg" (average value)
 * and "count" (event count). Each window gets a z-score per statistic
 * against the key's moving mean and deviation; the window's score is the
 * largest |z|, in either direction.
 *
 * - Warm-up: the first `warmup` windows of a key only train its baseline.
 * - Hysteresis: a key enters alert when the score reaches `threshold`, which
 *   emits one alert, and leaves alert when the score falls below
 *   `exitThreshold`. Windows in between raise no alert, so one anomaly gives
 *   one alert, not a flapping series.
 * - While in alert the baseline learns with alpha × alertAlphaFactor (0 by
 *   default: frozen), so the anomaly does not become the new normal and the
 *   alert lasts until the signal returns. With a factor of 0 a lasting level
 *   shift keeps the key in alert until the level returns.
 * - Deviation floors: the average's deviation is at least
 *   minRelativeDeviation × |mean|, the count's at least √mean (the Poisson
 *   deviation), so steady signals do not alert on tiny changes.
 *
 * Windows with no numeric value are scored on count only. A key with no
 * events in a window has no window at all (the tumbling window emits
 * nothing), so a silent source is not detected.
 *
 * Memory: one state of a few numbers per key, never released.
 */
export class AdaptiveBaseline implements WindowDetector {
  readonly #alpha: number;
  readonly #threshold: number;
  readonly #exitThreshold: number;
  readonly #warmup: number;
  readonly #alertAlpha: number;
  readonly #minRelativeDeviation: number;
  readonly #states = new Map<WindowKey, KeyState>();

  constructor(options: AdaptiveBaselineOptions = {}) {
    const alpha = options.alpha ?? ADAPTIVE_DEFAULTS.alpha;
    if (!(alpha > 0 && alpha <= 1)) throw new InvalidOptionError(`invalid alpha ${alpha}: expected a number above 0 and at most 1`);
    const threshold = options.threshold ?? ADAPTIVE_DEFAULTS.threshold;
    if (!(threshold > 0 && Number.isFinite(threshold))) throw new InvalidOptionError(`invalid threshold ${threshold}: expected a finite number above 0`);
    const exitThreshold = options.exitThreshold ?? threshold / 2;
    if (!(exitThreshold >= 0 && exitThreshold <= threshold)) {
      throw new InvalidOptionError(`invalid exit threshold ${exitThreshold}: expected a number from 0 to the threshold ${threshold}`);
    }
    const warmup = options.warmup ?? ADAPTIVE_DEFAULTS.warmup;
    if (!Number.isSafeInteger(warmup) || warmup < 1) throw new InvalidOptionError(`invalid warm-up ${warmup}: expected a whole number of windows, at least 1`);
    const alertAlphaFactor = options.alertAlphaFactor ?? ADAPTIVE_DEFAULTS.alertAlphaFactor;
    if (!(alertAlphaFactor >= 0 && alertAlphaFactor <= 1)) {
      throw new InvalidOptionError(`invalid alert alpha factor ${alertAlphaFactor}: expected a number from 0 to 1`);
    }
    const minRelativeDeviation = options.minRelativeDeviation ?? ADAPTIVE_DEFAULTS.minRelativeDeviation;
    if (!(minRelativeDeviation >= 0 && Number.isFinite(minRelativeDeviation))) {
      throw new InvalidOptionError(`invalid minimum relative deviation ${minRelativeDeviation}: expected a finite number, 0 or more`);
    }
    this.#alpha = alpha;
    this.#threshold = threshold;
    this.#exitThreshold = exitThreshold;
    this.#warmup = warmup;
    this.#alertAlpha = alpha * alertAlphaFactor;
    this.#minRelativeDeviation = minRelativeDeviation;
  }

  get keyCount(): number {
    return this.#states.size;
  }

  observe(window: WindowResult): WindowDecision {
    const key = toWindowKey(window.key);
    let state = this.#states.get(key);
    if (state === undefined) {
      state = { windows: 0, avg: new MovingStat(), count: new MovingStat(), inAlert: false };
      this.#states.set(key, state);
    }
    const avg = window.avg_value;
    const count = window.event_count;

    if (state.windows < this.#warmup) {
      this.#learn(state, avg, count, this.#alpha);
      return { inAlert: false };
    }

    const avgZ = avg === null || state.avg.samples === 0 ? null : state.avg.zScore(avg, this.#minRelativeDeviation * Math.abs(state.avg.mean));
    const countZ = state.count.zScore(count, Math.sqrt(Math.max(state.count.mean, 0)));
    const score = Math.max(Math.abs(avgZ ?? 0), Math.abs(countZ));

    let alert;
    if (!state.inAlert && score >= this.#threshold) {
      state.inAlert = true;
      alert = this.#buildAlert(window, state, avgZ, countZ);
    } else if (state.inAlert && score < this.#exitThreshold) {
      state.inAlert = false;
    }
    const decision: WindowDecision = { inAlert: state.inAlert, ...(alert === undefined ? {} : { alert }) };
    this.#learn(state, avg, count, state.inAlert ? this.#alertAlpha : this.#alpha);
    return decision;
  }

  #learn(state: KeyState, avg: number | null, count: number, alpha: number): void {
    state.windows++;
    if (alpha === 0) return;
    if (avg !== null) state.avg.update(avg, alpha);
    state.count.update(count, alpha);
  }

  #buildAlert(window: WindowResult, state: KeyState, avgZ: number | null, countZ: number) {
    const fired: Array<{ rule: string; z: number; text: string }> = [];
    if (avgZ !== null && Math.abs(avgZ) >= this.#threshold) {
      fired.push({
        rule: 'avg-zscore',
        z: avgZ,
        text: `average ${round4(window.avg_value)} is ${Math.abs(avgZ).toFixed(1)} deviations ${avgZ > 0 ? 'above' : 'below'} the moving average ${round4(state.avg.mean)}`,
      });
    }
    if (Math.abs(countZ) >= this.#threshold) {
      fired.push({
        rule: 'count-zscore',
        z: countZ,
        text: `event count ${window.event_count} is ${Math.abs(countZ).toFixed(1)} deviations ${countZ > 0 ? 'above' : 'below'} the moving count ${round4(state.count.mean)}`,
      });
    }
    fired.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    return buildAlert(window, {
      message: `${describeWindow(window)}: ${fired.map((item) => item.text).join('; ')}`,
      severity: this.#severityOf(Math.abs(fired[0]!.z)),
      rules: fired.map((item) => item.rule),
      baseline: {
        avg_mean: round4(state.avg.samples === 0 ? null : state.avg.mean),
        avg_deviation: round4(state.avg.samples === 0 ? null : Math.sqrt(state.avg.variance)),
        count_mean: round4(state.count.mean),
        count_deviation: round4(Math.sqrt(state.count.variance)),
        windows: state.windows,
      },
      scores: { avg_z: round4(avgZ), count_z: round4(countZ) },
    });
  }

  /** Medium below 1.5 × threshold, High below 2.5 ×, Critical from there. */
  #severityOf(score: number): Severity {
    if (score < 1.5 * this.#threshold) return 'Medium';
    if (score < 2.5 * this.#threshold) return 'High';
    return 'Critical';
  }
}

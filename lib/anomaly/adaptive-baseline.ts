import { InvalidOptionError } from '../errors.js';
import type { Severity } from '../event/severity.js';
import type { WindowResult } from '../window/window-aggregate.js';
import { toWindowKey } from '../window/window-key.js';
import { DEFAULT_MAX_KEYS, KeyStates } from './key-states.js';
import { buildAlert, describeWindow, round4, type WindowDecision, type WindowDetector } from './anomaly-alert.js';

/** Options of the adaptive baseline. The object is read once and not kept. */
export interface AdaptiveBaselineOptions {
  /** Weight of the newest window in the moving mean and variance, in (0, 1]. Default 0.1 (a memory of about 10 windows). */
  alpha?: number;
  /** |z| at or above which a key enters alert. Default 4. */
  threshold?: number;
  /** |z| below which a key in alert leaves it; at most threshold. Default threshold / 2. */
  exitThreshold?: number;
  /** Values per statistic (windows, for the count) that only train a key's baseline before the statistic is scored. Default 10. */
  warmup?: number;
  /** Factor on alpha while a key is in alert: 0 freezes the baseline, 1 learns as usual. Default 0. */
  alertAlphaFactor?: number;
  /**
   * Smallest standard deviation used for the average, as a fraction of the
   * moving mean's magnitude, so a very steady signal does not make every
   * small change an anomaly. Default 0.02.
   */
  minRelativeDeviation?: number;
  /**
   * Smallest standard deviation used for the average, in the unit of the
   * value, so a signal that sits at or near 0 (where the relative floor is
   * about 0) gets finite scores. Default 0.001.
   */
  minDeviation?: number;
  /**
   * Consecutive windows with a score below exitThreshold, counting the window
   * that ends an alert, before the key can raise a new alert. A window at or
   * above the threshold before then puts the key back in alert without a new
   * alert. 1 re-arms as soon as the alert ends. Default 3.
   */
  rearm?: number;
  /** Maximum number of keys with a baseline; the least recently seen key is evicted beyond it. Default 100,000. */
  maxKeys?: number;
}

/** Defaults of the adaptive baseline; docs/anomalies.md explains how they were chosen. */
export const ADAPTIVE_DEFAULTS = {
  alpha: 0.1,
  threshold: 4,
  warmup: 10,
  alertAlphaFactor: 0,
  minRelativeDeviation: 0.02,
  minDeviation: 0.001,
  rearm: 3,
  maxKeys: DEFAULT_MAX_KEYS,
} as const;

/** Ratio of the standard deviation to the median absolute deviation for normally distributed data. */
const MAD_TO_SD = 1.4826;

/**
 * A moving mean and variance that starts robustly. The first `warmup`
 * values are kept, and their median and scaled median absolute deviation
 * (MAD × 1.4826) become the starting mean and deviation, so one wild value
 * during warm-up cannot set the baseline. After that it is an exponentially
 * weighted moving mean and variance (West's EWMV update): with d = x − mean,
 * mean += w·d and variance = (1 − w)·(variance + w·d²).
 */
class MovingStat {
  mean = 0;
  variance = 0;
  /** Values learned, warm-up included. */
  samples = 0;
  /** The warm-up values; null once the statistic is ready. */
  #warmupValues: number[] | null = [];
  readonly #warmup: number;

  constructor(warmup: number) {
    this.#warmup = warmup;
  }

  /** True once warm-up is over and the statistic can score values. */
  get ready(): boolean {
    return this.#warmupValues === null;
  }

  /** Adds a warm-up value; the last one sets the starting mean and variance. */
  addWarmup(x: number): void {
    const values = this.#warmupValues!;
    values.push(x);
    this.samples++;
    if (values.length < this.#warmup) return;
    this.mean = median(values);
    const deviation = MAD_TO_SD * median(values.map((value) => Math.abs(value - this.mean)));
    this.variance = deviation * deviation;
    this.#warmupValues = null;
  }

  /**
   * Adds x with weight `weight`, with x − mean clipped to ±clip so that one
   * extreme window moves the baseline by at most weight × clip.
   */
  update(x: number, weight: number, clip: number): void {
    this.samples++;
    const diff = Math.min(Math.max(x - this.mean, -clip), clip);
    this.mean += weight * diff;
    this.variance = (1 - weight) * (this.variance + weight * diff * diff);
  }

  /** Returns the standard deviation, at least `floor` and above 0 so that z-scores stay finite. */
  deviation(floor: number): number {
    return Math.max(Math.sqrt(this.variance), floor, Number.EPSILON);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The phase of a key in the alert cycle: armed (can alert), in alert, or cooling (left alert, not yet re-armed). */
export type AlertPhase = 'armed' | 'alert' | 'cooling';

/** A snapshot of one key's baseline; see AdaptiveBaseline.baselineOf. */
export interface KeyBaseline {
  avgMean: number | null;
  avgDeviation: number | null;
  countMean: number | null;
  countDeviation: number | null;
  /** Windows observed for the key. */
  windows: number;
  phase: AlertPhase;
}

interface KeyState {
  windows: number;
  avg: MovingStat;
  count: MovingStat;
  phase: AlertPhase;
  /** While cooling: consecutive windows below the exit threshold. */
  quietWindows: number;
}

/** Scores of one window; a statistic still warming up has no score. */
interface WindowScores {
  avgZ: number | null;
  countZ: number | null;
  avgDeviation: number;
  countDeviation: number;
}

/**
 * Per-key adaptive baseline over the window statistics "avg" (average value)
 * and "count" (event count). Each window gets a z-score per statistic
 * against the key's moving mean and deviation; the window's score is the
 * largest |z|, in either direction.
 *
 * - Warm-up: each statistic trains on its first `warmup` values (windows
 *   with a numeric average, for "avg"), then starts from their median and
 *   MAD, so a glitch during warm-up is ignored. A statistic is scored only
 *   once it is warm.
 * - Learning: after warm-up the weight of a window is max(alpha, 1 / n) for
 *   the n-th value, so the first windows after warm-up average evenly. While
 *   the key is in alert the weight is exactly alpha × alertAlphaFactor (0 by
 *   default: frozen), so the anomaly does not become the new normal. Each
 *   update is clipped to threshold deviations, so one wild window moves the
 *   baseline by a bounded step.
 * - Hysteresis and re-arm: a key enters alert when the score reaches
 *   `threshold`, which emits one alert, and leaves alert when the score
 *   falls below `exitThreshold`. It can alert again only after `rearm`
 *   consecutive windows below the exit threshold (the leaving one counted).
 *   A window at or above the threshold before that continues the same
 *   episode: the key is back in alert, and no new alert is written. So a
 *   flapping signal gives one alert.
 * - Deviation floors: the average's deviation is at least
 *   max(minRelativeDeviation × |mean|, minDeviation), the count's at least
 *   √mean (the Poisson deviation), so steady signals do not alert on tiny
 *   changes.
 *
 * Windows with no numeric (or no finite) average are scored on count only.
 * A key with no events in a window has no window at all (the tumbling
 * window emits nothing), so a silent source is not detected.
 *
 * Memory: per key a few numbers, plus up to `warmup` numbers per statistic
 * during its warm-up; at most `maxKeys` keys (least recently seen evicted).
 */
export class AdaptiveBaseline implements WindowDetector {
  readonly #alpha: number;
  readonly #threshold: number;
  readonly #exitThreshold: number;
  readonly #warmup: number;
  readonly #alertAlpha: number;
  readonly #minRelativeDeviation: number;
  readonly #minDeviation: number;
  readonly #rearm: number;
  readonly #states: KeyStates<KeyState>;

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
    const minDeviation = options.minDeviation ?? ADAPTIVE_DEFAULTS.minDeviation;
    if (!(minDeviation >= 0 && Number.isFinite(minDeviation))) {
      throw new InvalidOptionError(`invalid minimum deviation ${minDeviation}: expected a finite number, 0 or more`);
    }
    const rearm = options.rearm ?? ADAPTIVE_DEFAULTS.rearm;
    if (!Number.isSafeInteger(rearm) || rearm < 1) throw new InvalidOptionError(`invalid re-arm ${rearm}: expected a whole number of windows, at least 1`);
    this.#alpha = alpha;
    this.#threshold = threshold;
    this.#exitThreshold = exitThreshold;
    this.#warmup = warmup;
    this.#alertAlpha = alpha * alertAlphaFactor;
    this.#minRelativeDeviation = minRelativeDeviation;
    this.#minDeviation = minDeviation;
    this.#rearm = rearm;
    this.#states = new KeyStates(options.maxKeys ?? ADAPTIVE_DEFAULTS.maxKeys);
  }

  get keyCount(): number {
    return this.#states.size;
  }

  get evictedKeys(): number {
    return this.#states.evicted;
  }

  /**
   * Returns the current baseline of a key (for inspection and tests), or
   * undefined when the key is not tracked. Means and deviations are null
   * while their statistic warms up; deviations are before the floors.
   */
  baselineOf(key: unknown): KeyBaseline | undefined {
    const state = this.#states.peek(toWindowKey(key));
    if (state === undefined) return undefined;
    return {
      avgMean: state.avg.ready ? state.avg.mean : null,
      avgDeviation: state.avg.ready ? Math.sqrt(state.avg.variance) : null,
      countMean: state.count.ready ? state.count.mean : null,
      countDeviation: state.count.ready ? Math.sqrt(state.count.variance) : null,
      windows: state.windows,
      phase: state.phase,
    };
  }

  observe(window: WindowResult): WindowDecision {
    const key = toWindowKey(window.key);
    let state = this.#states.get(key);
    if (state === undefined) {
      state = { windows: 0, avg: new MovingStat(this.#warmup), count: new MovingStat(this.#warmup), phase: 'armed', quietWindows: 0 };
      this.#states.add(key, state);
    }
    const avg = window.avg_value !== null && Number.isFinite(window.avg_value) ? window.avg_value : null;
    const count = window.event_count;

    const scores = this.#score(state, avg, count);
    const score = Math.max(Math.abs(scores.avgZ ?? 0), Math.abs(scores.countZ ?? 0));
    let alert;
    if (scores.avgZ !== null || scores.countZ !== null) {
      alert = this.#advancePhase(state, score) ? this.#buildAlert(window, state, scores) : undefined;
    }
    const inAlert = state.phase === 'alert';
    this.#learn(state, avg, count, scores, inAlert);
    return { inAlert, ...(alert === undefined ? {} : { alert }) };
  }

  #score(state: KeyState, avg: number | null, count: number): WindowScores {
    const avgDeviation = state.avg.deviation(Math.max(this.#minRelativeDeviation * Math.abs(state.avg.mean), this.#minDeviation));
    const countDeviation = state.count.deviation(Math.sqrt(Math.max(state.count.mean, 0)));
    return {
      avgZ: avg !== null && state.avg.ready ? (avg - state.avg.mean) / avgDeviation : null,
      countZ: state.count.ready ? (count - state.count.mean) / countDeviation : null,
      avgDeviation,
      countDeviation,
    };
  }

  /** Moves the key through armed → alert → cooling → armed; returns true when this window raises a new alert. */
  #advancePhase(state: KeyState, score: number): boolean {
    switch (state.phase) {
      case 'armed':
        if (score < this.#threshold) return false;
        state.phase = 'alert';
        return true;
      case 'alert':
        if (score < this.#exitThreshold) {
          state.phase = 'cooling';
          state.quietWindows = 1;
          if (state.quietWindows >= this.#rearm) state.phase = 'armed';
        }
        return false;
      case 'cooling':
        if (score >= this.#threshold) {
          state.phase = 'alert';
        } else if (score >= this.#exitThreshold) {
          state.quietWindows = 0;
        } else if (++state.quietWindows >= this.#rearm) {
          state.phase = 'armed';
        }
        return false;
    }
  }

  #learn(state: KeyState, avg: number | null, count: number, scores: WindowScores, inAlert: boolean): void {
    state.windows++;
    if (avg !== null) this.#learnValue(state.avg, avg, inAlert, scores.avgDeviation);
    this.#learnValue(state.count, count, inAlert, scores.countDeviation);
  }

  #learnValue(stat: MovingStat, x: number, inAlert: boolean, deviation: number): void {
    if (!stat.ready) {
      stat.addWarmup(x);
      return;
    }
    const weight = inAlert ? this.#alertAlpha : Math.max(this.#alpha, 1 / (stat.samples + 1));
    if (weight === 0) return;
    stat.update(x, weight, this.#threshold * deviation);
  }

  #buildAlert(window: WindowResult, state: KeyState, scores: WindowScores) {
    const { avgZ, countZ } = scores;
    const fired: Array<{ rule: string; z: number; text: string }> = [];
    if (avgZ !== null && Math.abs(avgZ) >= this.#threshold) {
      fired.push({
        rule: 'avg-zscore',
        z: avgZ,
        text: `average ${round4(window.avg_value)} is ${Math.abs(avgZ).toFixed(1)} deviations ${avgZ > 0 ? 'above' : 'below'} the moving average ${round4(state.avg.mean)}`,
      });
    }
    if (countZ !== null && Math.abs(countZ) >= this.#threshold) {
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
        avg_mean: round4(state.avg.ready ? state.avg.mean : null),
        avg_deviation: round4(state.avg.ready ? Math.sqrt(state.avg.variance) : null),
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

import type { Severity } from '../event/severity.js';
import type { WindowResult } from '../window/window-aggregate.js';
import { toWindowKey } from '../window/window-key.js';
import { DEFAULT_MAX_KEYS, KeyStates } from './key-states.js';
import { buildAlert, describeWindow, round4, type WindowDecision, type WindowDetector } from './anomaly-alert.js';

/** Limits of the first-window rule. */
export interface FirstWindowRuleOptions {
  /** Alert when a window's event count exceeds this many times the baseline count. Default 2. */
  countFactor?: number;
  /** Alert when a window's average exceeds this many times the baseline average. Default 1.5. */
  avgFactor?: number;
  /** Maximum number of keys with a baseline; the least recently seen key is evicted beyond it. Default 100,000. */
  maxKeys?: number;
}

interface FirstBaseline {
  count: number;
  /** Average of the first window of the key that had a numeric value; null until there is one. */
  avg: number | null;
}

/**
 * The simple rule: the first window of each key is its baseline, for good.
 * Every later window whose event count exceeds countFactor × the baseline
 * count, or whose average exceeds avgFactor × the baseline average, raises
 * an alert, so a long anomaly raises one alert per window. The comparison is
 * literal: with a zero or negative baseline average the average rule fires
 * on any average above that product. A first window cut short by the start of
 * the input makes a low count baseline.
 *
 * Memory: one baseline per key, for at most `maxKeys` keys; the least
 * recently seen key is evicted, and its next window becomes a new baseline.
 */
export class FirstWindowRule implements WindowDetector {
  readonly #countFactor: number;
  readonly #avgFactor: number;
  readonly #baselines: KeyStates<FirstBaseline>;

  constructor(options: FirstWindowRuleOptions = {}) {
    this.#countFactor = options.countFactor ?? 2;
    this.#avgFactor = options.avgFactor ?? 1.5;
    this.#baselines = new KeyStates(options.maxKeys ?? DEFAULT_MAX_KEYS);
  }

  get keyCount(): number {
    return this.#baselines.size;
  }

  get evictedKeys(): number {
    return this.#baselines.evicted;
  }

  observe(window: WindowResult): WindowDecision {
    const key = toWindowKey(window.key);
    const baseline = this.#baselines.get(key);
    if (baseline === undefined) {
      this.#baselines.add(key, { count: window.event_count, avg: window.avg_value });
      return { inAlert: false };
    }
    if (baseline.avg === null) {
      // The count baseline stays; the average baseline waits for a window with a numeric value.
      baseline.avg = window.avg_value;
      return this.#check(window, baseline, false);
    }
    return this.#check(window, baseline, true);
  }

  #check(window: WindowResult, baseline: FirstBaseline, checkAvg: boolean): WindowDecision {
    const countRatio = baseline.count > 0 ? window.event_count / baseline.count : null;
    const avgRatio = checkAvg && window.avg_value !== null && baseline.avg !== null && baseline.avg !== 0 ? window.avg_value / baseline.avg : null;
    const fired: Array<{ rule: string; excess: number; text: string }> = [];
    if (window.event_count > this.#countFactor * baseline.count) {
      fired.push({
        rule: `count>${this.#countFactor}x-first`,
        excess: countRatio === null ? Infinity : countRatio / this.#countFactor,
        text: `event count ${window.event_count} exceeds ${this.#countFactor} × the first window's ${baseline.count}`,
      });
    }
    if (checkAvg && window.avg_value !== null && baseline.avg !== null && window.avg_value > this.#avgFactor * baseline.avg) {
      fired.push({
        rule: `avg>${this.#avgFactor}x-first`,
        excess: avgRatio === null || avgRatio <= 0 ? Infinity : avgRatio / this.#avgFactor,
        text: `average ${round4(window.avg_value)} exceeds ${this.#avgFactor} × the first window's ${round4(baseline.avg)}`,
      });
    }
    if (fired.length === 0) return { inAlert: false };
    fired.sort((a, b) => b.excess - a.excess);
    const alert = buildAlert(window, {
      message: `${describeWindow(window)}: ${fired.map((item) => item.text).join('; ')}`,
      severity: severityOfExcess(fired[0]!.excess),
      rules: fired.map((item) => item.rule),
      baseline: { count: baseline.count, avg: round4(baseline.avg) },
      scores: { count_ratio: round4(countRatio), avg_ratio: round4(avgRatio) },
    });
    return { inAlert: true, alert };
  }
}

/** Severity from how far past its limit a window went: up to 1.5 × the limit is High, beyond that Critical. */
function severityOfExcess(excess: number): Severity {
  return excess < 1.5 ? 'High' : 'Critical';
}

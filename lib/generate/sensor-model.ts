import { EvprocError, InvalidOptionError } from '../errors.js';
import type { EventType } from '../event/event.js';
import { Prng } from './prng.js';

/** One simulated event; its fields are written in this order. */
export interface GeneratedEvent {
  id: string;
  /** Epoch milliseconds on the simulated clock. */
  timestamp: number;
  source: string;
  value: number;
  event_type: EventType;
}

/** Options of SensorEventGenerator. The object is read once and not kept. */
export interface SensorModelOptions {
  /** Number of sensors, named sensor-0 … sensor-(sources - 1); at most MAX_SOURCES. Default 4. */
  sources?: number;
  /** PRNG seed, read as an unsigned 32-bit integer. Default 1. */
  seed?: number;
  /** Simulated time of the first event, epoch ms. Default 2024-01-01T00:00:00Z. */
  startTime?: number;
  /** Simulated milliseconds between consecutive events (across all sensors). Default 1. */
  stepMs?: number;
}

export const DEFAULT_SOURCES = 4;
export const DEFAULT_SEED = 1;
/**
 * Maximum number of sensors a generator simulates. Each sensor costs 40 bytes of state
 * (five float64 parameters), so the cap bounds that state to 40 MB.
 */
export const MAX_SOURCES = 1_000_000;
/** Largest timestamp a JavaScript Date can hold, and so the largest that evproc accepts: +275760-09-13T00:00:00Z. */
export const MAX_TIMESTAMP = 8.64e15;
/** 2024-01-01T00:00:00Z: a fixed start, so the same seed gives the same bytes. */
export const DEFAULT_START_TIME = Date.UTC(2024, 0, 1);

const DAY_MS = 86_400_000;
/** Chance that a reading is a spike; a spike is sent as an Alert. */
const SPIKE_PROBABILITY = 0.002;
/** Chances of the other event types among readings that are not spikes. */
const ERROR_PROBABILITY = 0.01;
const LOG_PROBABILITY = 0.08;
/** Per-reading decay of the drift toward 0, and the standard deviation of its steps (value units). */
const DRIFT_DECAY = 0.999;
const DRIFT_STEP_SD = 0.05;

/**
 * A deterministic model of sensors reporting in turn (round robin). A
 * sensor's reading is
 *
 *   baseline + dailyAmplitude · sin(2π · t / 1 day + phase) + drift + noise
 *
 * where t is the simulated time, drift is a mean-reverting random walk, and
 * noise is Gaussian. About 0.2 % of readings are spikes of 8 to 20 units,
 * mostly upward, sent as `Alert`. Of the other readings about 1 % are
 * `Error`, 8 % `Log` and the rest `Metric`. Values are rounded to 2
 * decimals. Each sensor's parameters are drawn from the seed, so the same
 * options give the same events, in the same order, with the same Node
 * version (Math.sin, Math.log and Math.cos come from V8).
 */
export class SensorEventGenerator {
  readonly #prng: Prng;
  /** Sensor parameters, one entry per sensor, in arrays so a million sensors cost 40 MB instead of a million objects. */
  readonly #baseline: Float64Array;
  readonly #dailyAmplitude: Float64Array;
  /** Phase of the daily sine, radians. */
  readonly #phase: Float64Array;
  readonly #noiseSd: Float64Array;
  readonly #drift: Float64Array;
  readonly #sources: number;
  readonly #startTime: number;
  readonly #stepMs: number;
  #index = 0;

  constructor(options: SensorModelOptions = {}) {
    const sources = options.sources ?? DEFAULT_SOURCES;
    if (!Number.isSafeInteger(sources) || sources < 1 || sources > MAX_SOURCES) {
      throw new InvalidOptionError(`invalid number of sources ${sources}: expected a whole number from 1 to ${MAX_SOURCES}`);
    }
    const seed = options.seed ?? DEFAULT_SEED;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new InvalidOptionError(`invalid seed ${seed}: expected a whole number, 0 or more`);
    }
    const startTime = options.startTime ?? DEFAULT_START_TIME;
    if (!Number.isSafeInteger(startTime) || Math.abs(startTime) > MAX_TIMESTAMP) {
      throw new InvalidOptionError(`invalid start time ${startTime}: expected whole epoch milliseconds from -${MAX_TIMESTAMP} to ${MAX_TIMESTAMP}`);
    }
    const stepMs = options.stepMs ?? 1;
    if (!Number.isFinite(stepMs) || stepMs < 0) {
      throw new InvalidOptionError(`invalid step ${stepMs}: expected a number of milliseconds, 0 or more`);
    }
    this.#prng = new Prng(seed);
    this.#startTime = startTime;
    this.#stepMs = stepMs;
    this.#sources = sources;
    this.#baseline = new Float64Array(sources);
    this.#dailyAmplitude = new Float64Array(sources);
    this.#phase = new Float64Array(sources);
    this.#noiseSd = new Float64Array(sources);
    this.#drift = new Float64Array(sources);
    // The draws are made in this order, sensor by sensor, so a seed gives the same sensors whatever the storage.
    for (let i = 0; i < sources; i++) {
      this.#baseline[i] = round2(this.#prng.uniform(15, 35));
      this.#dailyAmplitude[i] = this.#prng.uniform(1, 4);
      this.#phase[i] = this.#prng.uniform(0, 2 * Math.PI);
      this.#noiseSd[i] = this.#prng.uniform(0.2, 0.6);
    }
  }

  /** Timestamp of the event with this index, epoch ms. */
  timestampOf(index: number): number {
    return this.#startTime + Math.floor(index * this.#stepMs);
  }

  /** Number of events generated so far; the index of the next one. */
  get generated(): number {
    return this.#index;
  }

  /**
   * Generates the next event. Throws an EvprocError when its timestamp would
   * pass MAX_TIMESTAMP, which no other evproc command could read.
   */
  next(): GeneratedEvent {
    const timestamp = this.timestampOf(this.#index);
    if (timestamp > MAX_TIMESTAMP) {
      throw new EvprocError(
        'ERR_INVALID_OPTION',
        `the simulated clock passed the largest valid timestamp ${MAX_TIMESTAMP} (+275760-09-13T00:00:00Z) after ${this.#index} events; start earlier or set a count`,
      );
    }
    const index = this.#index++;
    const prng = this.#prng;
    const sensor = index % this.#sources;

    const drift = this.#drift[sensor]! * DRIFT_DECAY + prng.gaussian(0, DRIFT_STEP_SD);
    this.#drift[sensor] = drift;
    let value =
      this.#baseline[sensor]! +
      this.#dailyAmplitude[sensor]! * Math.sin((2 * Math.PI * (timestamp - this.#startTime)) / DAY_MS + this.#phase[sensor]!) +
      drift +
      prng.gaussian(0, this.#noiseSd[sensor]!);

    let eventType: GeneratedEvent['event_type'];
    const draw = prng.next();
    if (draw < SPIKE_PROBABILITY) {
      const direction = prng.next() < 0.8 ? 1 : -1;
      value += direction * prng.uniform(8, 20);
      eventType = 'Alert';
    } else if (draw < SPIKE_PROBABILITY + ERROR_PROBABILITY) {
      eventType = 'Error';
    } else if (draw < SPIKE_PROBABILITY + ERROR_PROBABILITY + LOG_PROBABILITY) {
      eventType = 'Log';
    } else {
      eventType = 'Metric';
    }
    return { id: `gen-${index}`, timestamp, source: `sensor-${sensor}`, value: round2(value), event_type: eventType };
  }

  /** Generates the next event as one line of NDJSON, without the line end; the same text JSON.stringify writes. */
  nextLine(): string {
    const event = this.next();
    // Every field is a number or a string without characters that JSON escapes.
    return `{"id":"${event.id}","timestamp":${event.timestamp},"source":"${event.source}","value":${event.value},"event_type":"${event.event_type}"}`;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

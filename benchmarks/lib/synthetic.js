// Seeded synthetic events for benchmarks: small NDJSON events, about one per
// millisecond of event time, 50 sources, and 1 in 200 events up to 40 ms
// out of order, so some fall in a window that already closed (late).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** mulberry32: a 32-bit seeded generator, good enough for test data. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const START_MS = Date.UTC(2024, 0, 1);
const EVENT_TYPES = ['Metric', 'Metric', 'Metric', 'Log', 'Alert', 'Error'];

/** Writes `count` events to `path`; the same seed always gives the same file. */
export async function writeSyntheticEvents(path, count, seed = 42) {
  const random = mulberry32(seed);
  const out = createWriteStream(path);
  let text = '';
  for (let i = 1; i <= count; i++) {
    const jitter = random() < 0.005 ? -Math.floor(random() * 40) : 0;
    const event = {
      id: `ev-${i}`,
      timestamp: START_MS + i + jitter,
      source: `sensor-${Math.floor(random() * 50)}`,
      value: Math.round(random() * 10000) / 100,
      event_type: EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)],
    };
    text += JSON.stringify(event) + '\n';
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

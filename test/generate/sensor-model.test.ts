import t from 'tap';
import { Prng } from '../../lib/generate/prng.js';
import { SensorEventGenerator, type GeneratedEvent } from '../../lib/generate/sensor-model.js';

t.test('prng sequence is fixed for a seed', async (t) => {
  const a = new Prng(7);
  const b = new Prng(7);
  const fromA = Array.from({ length: 5 }, () => a.nextUint32());
  const fromB = Array.from({ length: 5 }, () => b.nextUint32());
  t.same(fromA, fromB);
  t.not(new Prng(8).nextUint32(), fromA[0]);
  for (const value of fromA) t.ok(Number.isInteger(value) && value >= 0 && value < 2 ** 32, `${value} is an unsigned 32-bit integer`);
});

t.test('prng gaussian has the requested moments', async (t) => {
  const prng = new Prng(3);
  const draws = Array.from({ length: 100_000 }, () => prng.gaussian(10, 2));
  const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
  const variance = draws.reduce((sum, x) => sum + (x - mean) ** 2, 0) / draws.length;
  t.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
  t.ok(Math.abs(Math.sqrt(variance) - 2) < 0.05, `standard deviation ${Math.sqrt(variance)}`);
});

t.test('first lines of seed 1 are fixed', async (t) => {
  const model = new SensorEventGenerator({ seed: 1, sources: 3 });
  t.same([model.nextLine(), model.nextLine(), model.nextLine()], [
    '{"id":"gen-0","timestamp":1704067200000,"source":"sensor-0","value":24.37,"event_type":"Metric"}',
    '{"id":"gen-1","timestamp":1704067200001,"source":"sensor-1","value":26.93,"event_type":"Metric"}',
    '{"id":"gen-2","timestamp":1704067200002,"source":"sensor-2","value":22.03,"event_type":"Metric"}',
  ]);
});

t.test('nextLine matches JSON.stringify of next', async (t) => {
  const lines = new SensorEventGenerator({ seed: 9, sources: 5 });
  const events = new SensorEventGenerator({ seed: 9, sources: 5 });
  let mismatches = 0;
  for (let i = 0; i < 20_000; i++) if (lines.nextLine() !== JSON.stringify(events.next())) mismatches++;
  t.equal(mismatches, 0);
});

t.test('events look like sensor readings', async (t) => {
  const model = new SensorEventGenerator({ seed: 5, sources: 4, stepMs: 1000 });
  const events: GeneratedEvent[] = Array.from({ length: 100_000 }, () => model.next());
  const types = { Metric: 0, Log: 0, Alert: 0, Error: 0 };
  for (const event of events) types[event.event_type]++;
  // Expected shares: Alert 0.2 %, Error 1 %, Log 8 %, Metric the rest (about 90.8 %).
  t.ok(types.Alert > 100 && types.Alert < 300, `Alert ${types.Alert}`);
  t.ok(types.Error > 800 && types.Error < 1200, `Error ${types.Error}`);
  t.ok(types.Log > 7400 && types.Log < 8600, `Log ${types.Log}`);
  t.equal(types.Metric, 100_000 - types.Alert - types.Error - types.Log);

  for (let sensor = 0; sensor < 4; sensor++) {
    const values = events.filter((event) => event.source === `sensor-${sensor}`).map((event) => event.value);
    t.equal(values.length, 25_000, `sensor-${sensor} reports every 4th event`);
    const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
    const steps = values.slice(1).map((value, i) => Math.abs(value - values[i]!));
    const distinct = new Set(values).size;
    t.ok(mean > 10 && mean < 40, `sensor-${sensor} mean ${mean}`);
    t.ok(distinct > 500, `sensor-${sensor} has ${distinct} distinct values`);
    t.ok(steps.some((step) => step > 8), `sensor-${sensor} has spikes`);
  }

  t.same(events.slice(0, 3).map((event) => event.timestamp), [1704067200000, 1704067201000, 1704067202000]);
  t.equal(events[99_999]!.id, 'gen-99999');
});

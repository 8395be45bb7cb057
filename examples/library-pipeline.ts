/**
 * A complete pipeline built from the evproc library:
 *
 *   three sorted NDJSON files ─ ordered merge ─ parse + normalize (one fused Transform)
 *     └─ fan-out (independent) ─┬─ severity counter      (buffer: block, lossless)
 *                               ├─ critical alerter      (buffer: drop-oldest, 64 events)
 *                               └─ 5-minute windows per source (buffer: block)
 *
 * Run it after `npm run build` and `npx tsc -p examples`:
 *   node dist/examples/library-pipeline.js examples/data/mote-1.ndjson examples/data/mote-2.ndjson examples/data/mote-4.ndjson
 *
 * It imports the package by its name, as a program that depends on evproc
 * does. The output is the same on every run: branches collect what they
 * see, and the program prints it after the pipeline has finished.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createFanOut,
  createTumblingWindow,
  fuse,
  MultiInputParseOperator,
  NormalizeOperator,
  OrderedMergeSource,
  SEVERITIES,
  type Event,
  type Severity,
  type WindowResult,
} from 'evproc';

const RANGE = { min: 20, max: 50 };
const WINDOW_MS = 5 * 60_000;

/** Creates an objectMode Writable that calls `consume` for each item. */
function consumer<T>(consume: (item: T) => void): Writable {
  return new Writable({
    objectMode: true,
    write(item: T, _encoding, callback) {
      consume(item);
      callback();
    },
  });
}

function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

async function main(inputs: string[]): Promise<void> {
  if (inputs.length === 0) {
    process.stderr.write('usage: library-pipeline FILE...  (NDJSON files, each sorted by timestamp)\n');
    process.exitCode = 2;
    return;
  }

  const merge = new OrderedMergeSource(inputs);
  const parse = new MultiInputParseOperator({ inputField: 'input', timeField: 'timestamp' });
  const normalize = new NormalizeOperator(RANGE);

  const bySeverity: Record<Severity, number> = { Low: 0, Medium: 0, High: 0, Critical: 0 };
  const alerts: string[] = [];
  const windows: WindowResult[] = [];

  const window = createTumblingWindow({ size: WINDOW_MS, keyField: 'source', ...RANGE });
  const fan = createFanOut(
    [
      {
        name: 'severity-counter',
        streams: consumer<Event>((event) => {
          bySeverity[event.severity as Severity]++;
        }),
        buffer: { capacity: 256, policy: 'block' },
      },
      {
        name: 'critical-alerter',
        streams: consumer<Event>((event) => {
          if (event.severity !== 'Critical') return;
          alerts.push(`CRITICAL ${clock(event.timestamp as number)} ${String(event.source)} ${String(event.value)} °C (${String(event.input)})`);
        }),
        buffer: { capacity: 64, policy: 'drop-oldest' },
        optional: true,
      },
      {
        name: 'windows',
        streams: [window, consumer<WindowResult>((result) => windows.push(result))],
        buffer: { capacity: 256, policy: 'block' },
      },
    ],
    { mode: 'independent' },
  );
  fan.on('detach', (name: string, err: Error) => process.stderr.write(`branch ${name} detached: ${err.message}\n`));

  await pipeline(merge, fuse([parse, normalize]), fan);

  console.log('Critical events:');
  for (const alert of alerts) console.log(`  ${alert}`);

  console.log('Windows with High or Critical readings:');
  for (const result of windows) {
    const { High, Critical } = result.severity_counts;
    if (High + Critical === 0) continue;
    console.log(`  ${clock(result.window_start)}-${clock(result.window_end)} ${String(result.key)}: ${result.event_count} events, max ${result.max_value} °C, High ${High}, Critical ${Critical}`);
  }

  console.log('Events by severity:');
  for (const severity of SEVERITIES) console.log(`  ${severity.padEnd(8)} ${bySeverity[severity]}`);

  console.log('Backpressure report:');
  console.log(`  merge: ${merge.stats.lines} lines from ${inputs.length} inputs, ${merge.stats.outOfOrder} out of order`);
  console.log(`  parse: ${parse.stats.events} events, ${parse.stats.invalid} invalid`);
  console.log(`  windows: ${windows.length} emitted, ${window.stats.late} late events`);
  for (const branch of fan.stats.branches) {
    const buffer = branch.buffer!;
    const state = branch.detached ? `detached (${branch.error?.message})` : 'ok';
    console.log(`  ${branch.name}: received ${buffer.received}, delivered ${buffer.delivered}, dropped ${buffer.dropped}, buffered ${buffer.buffered}, ${state}`);
  }
}

await main(process.argv.slice(2));

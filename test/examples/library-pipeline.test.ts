import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

const EXPECTED = `Critical events:
  CRITICAL 03:15:50 single-hop/mote-1 49.9 °C (examples/data/mote-1.ndjson)
  CRITICAL 03:15:55 single-hop/mote-1 54.08 °C (examples/data/mote-1.ndjson)
  CRITICAL 03:16:00 single-hop/mote-1 56.56 °C (examples/data/mote-1.ndjson)
  CRITICAL 03:16:05 single-hop/mote-1 51.55 °C (examples/data/mote-1.ndjson)
  CRITICAL 03:16:10 single-hop/mote-1 47.09 °C (examples/data/mote-1.ndjson)
Windows with High or Critical readings:
  03:15:00-03:20:00 single-hop/mote-1: 60 events, max 56.56 °C, High 5, Critical 5
Events by severity:
  Low      1039
  Medium   31
  High     5
  Critical 5
Backpressure report:
  merge: 1080 lines from 3 inputs, 0 out of order
  parse: 1080 events, 0 invalid
  windows: 18 emitted, 0 late events
  severity-counter: received 1080, delivered 1080, dropped 0, buffered 0, ok
  critical-alerter: received 1080, delivered 1080, dropped 0, buffered 0, ok
  windows: received 1080, delivered 1080, dropped 0, buffered 0, ok
`;

t.test('library pipeline example output', async (t) => {
  // Compiles the example against the built package (dist/), as a program that depends on evproc would.
  await execFileAsync(process.execPath, [TSC, '-p', 'examples'], { cwd: ROOT });
  const inputs = ['examples/data/mote-1.ndjson', 'examples/data/mote-2.ndjson', 'examples/data/mote-4.ndjson'];
  const result = await execFileAsync(process.execPath, ['dist/examples/library-pipeline.js', ...inputs], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } });
  t.equal(result.stderr, '');
  t.equal(result.stdout, EXPECTED);
});

t.test('library pipeline example without inputs', async (t) => {
  await t.rejects(execFileAsync(process.execPath, ['dist/examples/library-pipeline.js'], { cwd: ROOT }), { code: 2, stderr: /usage: library-pipeline FILE/ });
});

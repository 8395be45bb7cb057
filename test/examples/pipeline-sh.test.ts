import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { EVPROC_BIN, parseLines, runCli } from '../helpers/cli.js';

const SCRIPT = fileURLToPath(new URL('../../examples/pipeline.sh', import.meta.url));

function runScript(outDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [SCRIPT, outDir], {
      env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '', EVPROC: `${process.execPath} ${EVPROC_BIN}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('shell pipeline example runs end to end', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'evproc-example-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const out = join(base, 'out');
  const result = await runScript(out);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, `windows: 80 in ${out}/windows.ndjson\nalerts: 3 in ${out}/alerts.ndjson\n`);
  // The stages run as separate processes, so their reports arrive in any order.
  t.same(result.stderr.trimEnd().split('\n').sort(), [
    'evproc anomalies summary: received 20000 events, delivered 3 alerts, dropped 0, invalid 0, late 0, windows 1600, unscored windows 4, windows in alert 37, without value 0, without key 0, keys evicted 0',
    'evproc buffer summary: received 20000 events, delivered 20000 events, dropped 0, invalid 0, late 0, buffered 0, drop rate 0',
    'evproc generate summary: received 0 events, delivered 20000 events, dropped 0, invalid 0, late 0',
    'evproc normalize summary: received 20000 events, delivered 20000 events, dropped 0, invalid 0, late 0, without value 0',
    'evproc window summary: received 20000 events, delivered 80 windows, dropped 0, invalid 0, late 0',
  ]);
  t.equal(existsSync(join(out, 'events.fifo')), false, 'the FIFO is removed');

  const alerts = parseLines(readFileSync(join(out, 'alerts.ndjson'), 'utf8'));
  t.same(
    alerts.map((alert) => [alert.timestamp, alert.source, alert.severity]),
    [
      [1704067204350, 'sensor-3', 'Medium'],
      [1704067209750, 'sensor-3', 'Medium'],
      [1704067215950, 'sensor-0', 'Medium'],
    ],
  );

  // The windows must equal those of the generated events read directly: the buffer and the fan-out lost nothing.
  const generated = await runCli(['generate', '--count', '20000', '--seed', '7', '--sources', '4']);
  const direct = await runCli(['window', '--ms', '1s', '--by', 'source'], { stdin: generated.stdout });
  t.equal(readFileSync(join(out, 'windows.ndjson'), 'utf8'), direct.stdout);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const RUNNER = fileURLToPath(new URL('../benchmarks/run.js', import.meta.url));

t.test('benchmark runner prints a table', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'evproc-bench-smoke-'));
  const result = spawnSync(process.execPath, [RUNNER, '--smoke', '--data-dir', dataDir, '--only', 'window-1s,pipeline-5-stage,batch-sqlite'], { encoding: 'utf8' });
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /^machine: .+, \d+ cores, \d+ GiB/m);
  t.match(result.stdout, /^versions: Node v\d+/m);
  t.match(result.stdout, /scenario\s+input\s+peer\s+median s\s+events\/s\s+vs baseline\s+peak RSS MiB/);
  t.match(result.stdout, /window --ms 1000\s+synthetic \(2,000\)\s+baseline loop\s+[\d.]+\s+[\d,]+\s+1\.00×/);
  t.match(result.stdout, /window --ms 1000\s+synthetic \(2,000\)\s+evproc\s+[\d.]+\s+[\d,]+\s+[\d.]+×/);
  t.match(result.stdout, /library: parse \| normalize \| filter \| window 1s \| stringify\s+synthetic \(2,000\)\s+evproc library/);
  t.match(result.stdout, /batch --count 1000 --to sqlite\s+synthetic \(2,000\)\s+evproc\s+[\d.]+\s+[\d,]+\s+[\d.]+×/);
  t.match(result.stdout, /batch --count 1000 --to sqlite on synthetic: after each of the 2 runs the database contained 2,000 rows, in the same table schema/);
  t.match(result.stdout, /^load average \(1 min\) during the run: [\d.]+ to [\d.]+/m);
  t.ok(readdirSync(dataDir).includes('synthetic-2000.ndjson'), 'the input is created in the data folder');
});

// Soak scenario (run only when named: npm run bench -- --only soak-drop-oldest):
// an unthrottled `evproc generate` into `evproc buffer --policy drop-oldest`
// into a deliberately slow reader, for --soak-seconds (default 60). It
// samples the buffer process's RSS every second, then sends SIGTERM and
// checks that the process exits with 143 and that every event it received
// was either delivered or counted as dropped.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reader that takes 64 KiB and then waits this long, in ms: about 6 MiB/s at most. */
const READER_PAUSE_MS = 10;

function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

async function run(ctx, options) {
  const seconds = options.soakSeconds;
  const generator = spawn(ctx.node, [ctx.evproc, 'generate', '--sources', '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const buffer = spawn(ctx.node, [ctx.evproc, 'buffer', '--policy', 'drop-oldest', '--capacity', '10000', '--stats', '--stats-format', 'json'], {
    stdio: [generator.stdout, 'pipe', 'pipe'],
  });
  // Only the buffer process reads the generator's pipe; with our copy closed, the generator gets EPIPE when buffer exits.
  generator.stdout.destroy();
  const generatorExited = new Promise((resolve) => generator.on('exit', resolve));
  let stderr = '';
  buffer.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let linesRead = 0;
  const readerDone = (async () => {
    for await (const chunk of buffer.stdout) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) linesRead++;
      await sleep(READER_PAUSE_MS);
    }
  })();
  const exited = new Promise((resolve) => buffer.on('exit', (code, signal) => resolve({ code, signal })));

  const samples = [];
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    await sleep(1000);
    const rss = rssBytes(buffer.pid);
    if (rss !== undefined) samples.push([(Date.now() - started) / 1000, rss]);
  }
  buffer.kill('SIGTERM');
  const { code } = await exited;
  await readerDone;
  generator.kill('SIGTERM');
  await generatorExited;

  const report = JSON.parse(stderr.trim().split('\n').pop());
  // Skip the first 5 s, while the heap and the buffer fill up.
  const steady = samples.filter(([time]) => time >= 5);
  const result = {
    seconds,
    exitCode: code,
    received: report.received,
    delivered: report.delivered,
    dropped: report.dropped,
    linesRead,
    everyDropCounted: report.received === report.delivered + report.dropped,
    peakRssMiB: Math.max(...samples.map(([, rss]) => rss)) / 2 ** 20,
    rssSlopeMiBPerMinute: (slope(steady) * 60) / 2 ** 20,
  };
  console.log(`soak, ${seconds} s: generate | buffer --policy drop-oldest --capacity 10000 | reader pausing ${READER_PAUSE_MS} ms per 64 KiB`);
  console.log(JSON.stringify(result, null, 2));
  if (code !== 143) console.log(`buffer exited with ${code}, expected 143 after SIGTERM`);
  if (!result.everyDropCounted) console.log('received is not delivered + dropped: some events were not counted');
  if (linesRead !== report.delivered) console.log(`the reader got ${linesRead} lines but buffer reported ${report.delivered} delivered`);
  return result;
}

export default {
  name: 'soak-drop-oldest',
  title: 'soak: generate | buffer --policy drop-oldest | slow reader',
  manual: true,
  inputs: [],
  run,
};

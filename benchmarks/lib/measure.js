// Runs one peer as a child process and measures its wall time, peak RSS and
// CPU time. Peak RSS (`%M`, in KiB) and CPU time (`%U` user plus `%S` system,
// in seconds) come from GNU time (`/usr/bin/time`) when it is installed;
// without it those columns stay empty.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

/**
 * Runs `argv` with stdout sent to /dev/null (or `stdoutFile`), and returns
 * { seconds, rssBytes, cpuSeconds }. Rejects when the child exits with a non-zero code.
 */
export function measure(argv, { cwd, env, stdinFile } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evproc-bench-'));
  const timeFile = path.join(dir, 'time');
  const command = hasGnuTime ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), {
      cwd,
      env: { ...process.env, TZ: 'UTC', ...env },
      stdio: [stdinFile === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    });
    if (stdinFile !== undefined) {
      import('node:fs').then(({ createReadStream }) => createReadStream(stdinFile).pipe(child.stdin));
    }
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let rssBytes;
      let cpuSeconds;
      if (hasGnuTime && existsSync(timeFile)) {
        // The last line has the format's fields; GNU time writes a line about a signal before it.
        const [kib, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        if (Number.isFinite(kib)) rssBytes = kib * 1024;
        if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user + system;
      }
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) {
        reject(new Error(`${argv.join(' ')} exited with code ${code}: ${stderr.trim().slice(-500)}`));
        return;
      }
      resolve({ seconds, rssBytes, cpuSeconds, stderr });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

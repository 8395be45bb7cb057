import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the CLI entry point. */
export const EVPROC_BIN = fileURLToPath(new URL('../../bin/evproc.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, each element as its own write; stdin is closed afterwards. */
  stdin?: Array<string | Buffer> | string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
}

/** Spawns the real CLI with TZ=UTC and collects its output. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EVPROC_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, TZ: 'UTC', NODE_DEBUG: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    const input = options.stdin;
    if (input === undefined) {
      child.stdin.end();
    } else if (Array.isArray(input)) {
      writeChunks(child.stdin, input);
    } else {
      child.stdin.end(input);
    }
  });
}

async function writeChunks(stream: NodeJS.WritableStream, chunks: Array<string | Buffer>): Promise<void> {
  for (const chunk of chunks) {
    stream.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  stream.end();
}

/** Parses NDJSON output into objects. */
export function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// What the benchmark ran on: CPU, cores, memory, Node and the peers' versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function commandVersion(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

function packageVersion(name) {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return undefined;
  }
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    evproc: JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    split2: packageVersion('split2'),
    streamChain: packageVersion('stream-chain'),
    miller: commandVersion('mlr', ['--version']),
    jq: commandVersion('jq', ['--version']),
  };
}

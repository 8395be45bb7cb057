import { fstatSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { STDIN_NAME } from '../io/input-source.js';

/** A file a command will create or truncate, with the option that named it. */
export interface OutputPath {
  option: string;
  path: string;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function fstatOrUndefined(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Rejects an output file that is also an input, stdout, or another output,
 * before anything is opened: opening it for writing would truncate the data
 * being read or interleave two outputs in one file. Files are compared by
 * device and inode, so links and other spellings of a path are caught.
 * Character devices such as /dev/null are exempt. Throws InvalidOptionError.
 */
export function checkOutputPaths(outputs: readonly OutputPath[], inputs: readonly string[], readsStdin: boolean): void {
  const stdout = fstatOrUndefined(1);
  // A file redirected to stdin (`< events.ndjson`) is an input too.
  const stdin = readsStdin ? fstatOrUndefined(0) : undefined;
  const seen: Array<{ output: OutputPath; stats: Stats | undefined }> = [];
  for (const output of outputs) {
    const stats = statOrUndefined(output.path);
    if (stats !== undefined && stats.isCharacterDevice()) continue;
    for (const earlier of seen) {
      const same = stats !== undefined && earlier.stats !== undefined ? sameFile(stats, earlier.stats) : resolve(output.path) === resolve(earlier.output.path);
      if (same) {
        throw new InvalidOptionError(`${output.option} ${output.path} names the same file as ${earlier.output.option} ${earlier.output.path}: give each output its own file`);
      }
    }
    seen.push({ output, stats });
    if (stats === undefined) continue;
    for (const input of inputs) {
      if (input === STDIN_NAME) continue;
      const inputStats = statOrUndefined(input);
      if (inputStats !== undefined && sameFile(stats, inputStats)) {
        throw new InvalidOptionError(`${output.option} ${output.path} is also the input ${input}: writing it would destroy the input; choose another file`);
      }
    }
    if (stdin !== undefined && stdin.isFile() && sameFile(stats, stdin)) {
      throw new InvalidOptionError(`${output.option} ${output.path} is also the file read on stdin: writing it would destroy the input; choose another file`);
    }
    if (stdout !== undefined && stdout.isFile() && sameFile(stats, stdout)) {
      throw new InvalidOptionError(`${output.option} ${output.path} is also where stdout goes: choose another file`);
    }
  }
}

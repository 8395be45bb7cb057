import { openSync, createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { EvprocError, InvalidOptionError } from '../errors.js';
import type { FanOutBranch } from '../fanout/fan-out.js';

/**
 * Opens the destination of one --tee target (the text after "scheme:") as a
 * Writable of NDJSON text, or a chain of streams that takes NDJSON text (a
 * database sink needs a parser and a batcher in front). Throws EvprocError
 * ERR_OUTPUT_FAILED when it cannot be opened.
 */
export type TeeOpener = (location: string, target: string) => FanOutBranch['streams'];

// TODO: register sqlite: and postgres: with a parse → batch → sink chain, so --tee takes the same URLs as batch --to.


const openers = new Map<string, TeeOpener>([['file', openTeeFile]]);

/**
 * Adds a --tee scheme, so `--tee SCHEME:LOCATION` writes the output there.
 * The sinks use this to accept the same target forms as their own options.
 */
export function registerTeeScheme(scheme: string, open: TeeOpener): void {
  openers.set(scheme.toLowerCase(), open);
}

/** A parsed --tee target. */
export interface TeeTarget {
  /** The target as written on the command line. */
  target: string;
  scheme: string;
  /** The part after "scheme:", or the path itself when no scheme was written. */
  location: string;
}

// Two or more characters, so a Windows drive letter ("C:") reads as a path.
const SCHEME_PATTERN = /^([a-z][a-z0-9+.-]+):(.*)$/is;

/**
 * Parses a --tee target: a file path, `file:PATH`, `file:///absolute/path`,
 * or `SCHEME:LOCATION` for a scheme added with registerTeeScheme. Throws
 * InvalidOptionError for an empty target or an unknown scheme.
 */
export function parseTeeTarget(target: string): TeeTarget {
  if (target.length === 0) throw new InvalidOptionError('invalid --tee target "": expected a file path or file:PATH');
  const match = SCHEME_PATTERN.exec(target);
  if (match === null) return { target, scheme: 'file', location: target };
  const scheme = match[1]!.toLowerCase();
  if (!openers.has(scheme)) {
    const known = [...openers.keys()].map((name) => `${name}:`).join(', ');
    throw new InvalidOptionError(`invalid --tee target ${JSON.stringify(target)}: unknown scheme "${scheme}:"; use a file path or one of ${known} (write ./${target} for a file whose name contains a colon)`);
  }
  let location = match[2]!;
  if (scheme === 'file' && location.startsWith('//')) location = fileURLToPath(target);
  if (location.length === 0) throw new InvalidOptionError(`invalid --tee target ${JSON.stringify(target)}: the ${scheme}: target names nothing`);
  return { target, scheme, location };
}

/** parseTeeTarget for commander: returns the target unchanged, or raises a usage error. */
export function parseTeeTargetArg(text: string): string {
  try {
    parseTeeTarget(text);
  } catch (err) {
    if (err instanceof EvprocError) throw new InvalidArgumentError(err.message);
    throw err;
  }
  return text;
}

function openTeeFile(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw new EvprocError('ERR_OUTPUT_FAILED', `cannot open --tee file ${path} for writing: ${(err as Error).message}`, { cause: err });
  }
  return createWriteStream(path, { fd });
}

/**
 * Opens every --tee target as a required fan-out branch, so a failed copy
 * fails the run. Opens them up front: a bad path fails before any output.
 */
export function openTeeBranches(targets: readonly string[]): FanOutBranch[] {
  const branches: FanOutBranch[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target)) throw new InvalidOptionError(`--tee ${target} is given twice: name each copy once`);
    seen.add(target);
    const parsed = parseTeeTarget(target);
    const streams = openers.get(parsed.scheme)!(parsed.location, target);
    branches.push({ name: target, streams });
  }
  return branches;
}

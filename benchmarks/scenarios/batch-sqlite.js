// Scenario: `evproc batch --count 1000 --to sqlite:FILE` against the
// hand-written loop that inserts the same rows with better-sqlite3, one
// transaction per 1000 rows. Each peer writes a fresh database file in the
// system's temporary folder. After every run the runner calls check() (row
// count and table schema) and then cleanup(), which deletes the file;
// verify() then requires every run of both peers to have stored one row per
// input event in the same schema.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const COUNT = 1000;

/** Returns the row count and the CREATE TABLE text of the events table in `file`. */
function inspectDatabase(file) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const { rows } = db.prepare('SELECT count(*) AS rows FROM "events"').get();
    const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    return { rows, schema: sql };
  } finally {
    db.close();
  }
}

/** Deletes the database file and the journal files SQLite may leave beside it. */
function deleteDatabase(file) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

function sqlitePeer(peer, file) {
  return { ...peer, check: () => inspectDatabase(file), cleanup: () => deleteDatabase(file) };
}

function peers(ctx, input) {
  const prefix = path.join(os.tmpdir(), `evproc-bench-${process.pid}-${input.name}`);
  const baselineFile = `${prefix}-baseline.db`;
  const evprocFile = `${prefix}-evproc.db`;
  return [
    sqlitePeer(
      { name: 'baseline loop', baseline: true, argv: [ctx.node, ctx.peer('loop-batch-sqlite.js'), '--count', String(COUNT), baselineFile, input.path], events: input.events },
      baselineFile,
    ),
    sqlitePeer(
      { name: 'evproc', argv: [ctx.node, ctx.evproc, 'batch', '--count', String(COUNT), '--to', `sqlite:${evprocFile}`, input.path], events: input.events },
      evprocFile,
    ),
  ];
}

/**
 * Returns a one-line summary when every run of every peer stored
 * `input.events` rows in the same schema; throws naming the first difference.
 */
function verify(checks, input) {
  let schema;
  for (const [peerName, results] of checks) {
    results.forEach((result, run) => {
      if (result.rows !== input.events) {
        throw new Error(`${peerName}, run ${run + 1}: the database contains ${result.rows} rows, expected ${input.events} (one per input event)`);
      }
      schema ??= result.schema;
      if (result.schema !== schema) throw new Error(`${peerName}, run ${run + 1}: the events table differs from the other peer's:\n${result.schema}\n${schema}`);
    });
  }
  const runs = [...checks.values()].reduce((sum, results) => sum + results.length, 0);
  return `after each of the ${runs} runs the database contained ${input.events.toLocaleString('en-US')} rows, in the same table schema for both peers; the file was deleted after the check`;
}

export default {
  name: 'batch-sqlite',
  title: 'batch --count 1000 --to sqlite',
  inputs: ['synthetic', 'flights'],
  // Stop after the round in which the scenario has taken this long on one input, but not before 3 runs of each peer.
  budgetSeconds: 240,
  peers,
  verify,
};

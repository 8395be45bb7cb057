// Baseline for `evproc batch --to sqlite:`: the hand-written loop. Reads the
// file in 64 KiB blocks with readSync, splits lines, JSON.parse per line, and
// inserts the rows with one better-sqlite3 prepared statement, one transaction
// per --count rows. The table has the columns and types of evproc's SQLite
// sink (lib/sinks/sqlite-sink.ts); the runner compares the two schemas.
//
//   node loop-batch-sqlite.js --count 1000 DATABASE.db FILE.ndjson

import Database from 'better-sqlite3';
import { readLines } from './read-lines.js';

function parseArgs(argv) {
  const options = { count: 1000, database: undefined, file: undefined };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--count') options.count = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  [options.database, options.file] = positional;
  if (options.file === undefined || !Number.isSafeInteger(options.count) || options.count < 1) {
    throw new Error('usage: loop-batch-sqlite.js --count N DATABASE FILE');
  }
  return options;
}

/** Returns the value as column text when it is a string, number or boolean, like the sink does. */
function textOf(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Returns the event time in epoch ms for numbers and ISO strings; null otherwise. */
function timestampOf(raw) {
  let ms = NaN;
  if (typeof raw === 'number') ms = raw;
  else if (typeof raw === 'string') ms = Date.parse(raw);
  const rounded = Math.round(ms);
  return Number.isSafeInteger(rounded) ? rounded : null;
}

const options = parseArgs(process.argv.slice(2));
const db = new Database(options.database);
db.exec(`CREATE TABLE IF NOT EXISTS "events" (
  "batch_id" INTEGER NOT NULL,
  "id" TEXT,
  "timestamp" INTEGER,
  "source" TEXT,
  "value" REAL,
  "event_type" TEXT,
  "event" TEXT NOT NULL
)`);
const insert = db.prepare('INSERT INTO "events" ("batch_id", "id", "timestamp", "source", "value", "event_type", "event") VALUES (?, ?, ?, ?, ?, ?, ?)');
const insertBatch = db.transaction((batchId, lines) => {
  for (const line of lines) {
    const event = JSON.parse(line);
    const value = typeof event.value === 'number' && Number.isFinite(event.value) ? event.value : null;
    insert.run(batchId, textOf(event.id), timestampOf(event.timestamp), textOf(event.source), value, textOf(event.event_type), line);
  }
});

let batchId = 0;
let lines = [];
function addLine(line) {
  lines.push(line);
  if (lines.length === options.count) {
    insertBatch(++batchId, lines);
    lines = [];
  }
}

readLines(options.file, addLine);
if (lines.length > 0) insertBatch(++batchId, lines);
db.close();

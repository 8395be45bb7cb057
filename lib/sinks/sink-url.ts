import { describeValue, InvalidOptionError } from '../errors.js';
import { DEFAULT_TABLE, validateTableName } from './event-table.js';
import { createPostgresSink } from './postgres-sink.js';
import type { SinkStream, SinkStreamOptions } from './sink.js';
import { createSqliteSink } from './sqlite-sink.js';

/** A parsed sink URL. */
export type SinkTarget =
  | { kind: 'sqlite'; path: string; table: string }
  | { kind: 'postgres'; connectionString: string; table: string };

const SINK_URL_FORMS = 'sqlite:PATH[?table=NAME] or postgres://[USER@]HOST[:PORT]/DATABASE[?table=NAME]';

/**
 * Parses a sink URL.
 *
 * - `sqlite:PATH[?table=NAME]`, where PATH is a file path, relative to the
 *   working directory or absolute; `sqlite://PATH` means the same. The query
 *   accepts only `table`.
 * - `postgres://…` or `postgresql://…[?table=NAME]`; the `table` parameter is
 *   removed and every other part goes to the `pg` client unchanged.
 *
 * The table name is validated (see validateTableName); default "events".
 */
export function parseSinkUrl(text: string): SinkTarget {
  if (text.startsWith('sqlite:')) return parseSqliteUrl(text);
  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return parsePostgresUrl(text);
  throw new InvalidOptionError(`invalid sink URL ${describeValue(text)}: expected ${SINK_URL_FORMS}`);
}

function parseSqliteUrl(text: string): SinkTarget {
  let rest = text.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  const queryStart = rest.indexOf('?');
  const path = queryStart === -1 ? rest : rest.slice(0, queryStart);
  if (path.length === 0) {
    throw new InvalidOptionError(`invalid sink URL ${describeValue(text)}: the database file path is missing, for example sqlite:events.db`);
  }
  let table = DEFAULT_TABLE;
  if (queryStart !== -1) {
    for (const [key, value] of new URLSearchParams(rest.slice(queryStart + 1))) {
      if (key !== 'table') {
        throw new InvalidOptionError(`invalid sink URL ${describeValue(text)}: unknown parameter ${describeValue(key)}; a sqlite: URL accepts only table=NAME`);
      }
      table = value;
    }
  }
  return { kind: 'sqlite', path, table: validateTableName(table) };
}

function parsePostgresUrl(text: string): SinkTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionError(`invalid sink URL: cannot parse it as a URL; expected ${SINK_URL_FORMS}`);
  }
  const table = url.searchParams.get('table') ?? DEFAULT_TABLE;
  url.searchParams.delete('table');
  return { kind: 'postgres', connectionString: url.toString(), table: validateTableName(table) };
}

/** Creates the sink stream for a parsed URL. */
export function createSink(target: SinkTarget, options: SinkStreamOptions = {}): SinkStream {
  if (target.kind === 'sqlite') return createSqliteSink({ ...options, path: target.path, table: target.table });
  return createPostgresSink({ ...options, connectionString: target.connectionString, table: target.table });
}

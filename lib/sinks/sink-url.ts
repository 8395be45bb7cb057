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
 * Query parameters a postgres: URL accepts besides `table`: the ones that
 * pg 8.23 reads from a connection string. Anything else would be ignored
 * silently, so it is rejected instead.
 */
export const POSTGRES_URL_PARAMETERS: ReadonlySet<string> = new Set([
  'host',
  'port',
  'user',
  'password',
  'options',
  'application_name',
  'client_encoding',
  'ssl',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslnegotiation',
  'uselibpqcompat',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'query_timeout',
]);

/** The text that replaces a password in messages. */
const PASSWORD_MASK = '*****';

/**
 * Returns a sink URL fit for messages: the password between `USER:` and the
 * last "@" before the query, and the value of a `password=` parameter, are
 * replaced by "*****". It works on text that is not a valid URL too, so a
 * message about a malformed URL does not leak the password either.
 */
export function redactSinkUrl(text: string): string {
  let redacted = text;
  const authorityStart = text.indexOf('://');
  if (authorityStart !== -1) {
    const queryStart = text.indexOf('?');
    const beforeQuery = queryStart === -1 ? text : text.slice(0, queryStart);
    const at = beforeQuery.lastIndexOf('@');
    const colon = beforeQuery.indexOf(':', authorityStart + 3);
    if (at !== -1 && colon !== -1 && colon < at) redacted = `${text.slice(0, colon + 1)}${PASSWORD_MASK}${text.slice(at)}`;
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, `$1${PASSWORD_MASK}`);
}

/**
 * Parses a sink URL. Throws InvalidOptionError, whose message never contains
 * the password.
 *
 * - `sqlite:PATH[?table=NAME]`, where PATH is a file path, relative to the
 *   working directory or absolute; `sqlite://PATH` means the same. The query
 *   accepts only `table`. `sqlite::memory:` is rejected because the data
 *   would be lost at exit; `sqlite:./:memory:` names a file.
 * - `postgres://…` or `postgresql://…[?table=NAME]`, which must name the
 *   database. The `table` parameter is removed, the others must be in
 *   POSTGRES_URL_PARAMETERS, and every other part goes to the `pg` client
 *   unchanged.
 *
 * No parameter may appear twice. The table name is validated (see
 * validateTableName); default "events".
 */
export function parseSinkUrl(text: string): SinkTarget {
  if (text.startsWith('sqlite:')) return parseSqliteUrl(text);
  if (text.startsWith('postgres://') || text.startsWith('postgresql://')) return parsePostgresUrl(text);
  throw new InvalidOptionError(`invalid sink URL ${describeValue(redactSinkUrl(text))}: expected ${SINK_URL_FORMS}`);
}

/** Returns the parameters of a query string, rejecting a name given twice. */
function uniqueParameters(query: string, shown: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (parameters.has(key)) {
      throw new InvalidOptionError(`invalid sink URL ${describeValue(shown)}: the parameter ${describeValue(key)} is given twice; give it once`);
    }
    parameters.set(key, value);
  }
  return parameters;
}

function parseSqliteUrl(text: string): SinkTarget {
  let rest = text.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  const queryStart = rest.indexOf('?');
  const path = queryStart === -1 ? rest : rest.slice(0, queryStart);
  if (path.length === 0) {
    throw new InvalidOptionError(`invalid sink URL ${describeValue(text)}: the database file path is missing, for example sqlite:events.db`);
  }
  if (path === ':memory:') {
    throw new InvalidOptionError(
      `invalid sink URL ${describeValue(text)}: an in-memory SQLite database is discarded when evproc exits; give a file path, or write sqlite:./:memory: for a file named ":memory:"`,
    );
  }
  let table = DEFAULT_TABLE;
  if (queryStart !== -1) {
    for (const [key, value] of uniqueParameters(rest.slice(queryStart + 1), text)) {
      if (key !== 'table') {
        throw new InvalidOptionError(`invalid sink URL ${describeValue(text)}: unknown parameter ${describeValue(key)}; a sqlite: URL accepts only table=NAME`);
      }
      table = value;
    }
  }
  return { kind: 'sqlite', path, table: validateTableName(table) };
}

function parsePostgresUrl(text: string): SinkTarget {
  const shown = redactSinkUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionError(`invalid sink URL ${describeValue(shown)}: cannot parse it as a URL; expected ${SINK_URL_FORMS}`);
  }
  const database = url.pathname.slice(1);
  if (database.length === 0) {
    throw new InvalidOptionError(`invalid sink URL ${describeValue(shown)}: the database name is missing; add it after the host, for example postgres://postgres@127.0.0.1:5432/mydb`);
  }
  if (database.includes('/')) {
    throw new InvalidOptionError(`invalid sink URL ${describeValue(shown)}: the path must be a single database name, found ${describeValue(database)}`);
  }
  const parameters = uniqueParameters(url.search.slice(1), shown);
  for (const key of parameters.keys()) {
    if (key !== 'table' && !POSTGRES_URL_PARAMETERS.has(key)) {
      throw new InvalidOptionError(
        `invalid sink URL ${describeValue(shown)}: unknown parameter ${describeValue(key)}; a postgres: URL accepts table and the connection parameters ${[...POSTGRES_URL_PARAMETERS].join(', ')}`,
      );
    }
  }
  const table = parameters.get('table') ?? DEFAULT_TABLE;
  url.searchParams.delete('table');
  return { kind: 'postgres', connectionString: url.toString(), table: validateTableName(table) };
}

/** Creates the sink stream for a parsed URL. */
export function createSink(target: SinkTarget, options: SinkStreamOptions = {}): SinkStream {
  if (target.kind === 'sqlite') return createSqliteSink({ ...options, path: target.path, table: target.table });
  return createPostgresSink({ ...options, connectionString: target.connectionString, table: target.table });
}

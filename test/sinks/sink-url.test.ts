import t from 'tap';
import { InvalidOptionError } from '../../lib/errors.js';
import { quoteIdentifier, validateTableName } from '../../lib/sinks/event-table.js';
import { describePostgresUrl } from '../../lib/sinks/postgres-sink.js';
import { parseSinkUrl, redactSinkUrl } from '../../lib/sinks/sink-url.js';

t.test('sqlite URLs', async (t) => {
  t.same(parseSinkUrl('sqlite:events.db'), { kind: 'sqlite', path: 'events.db', table: 'events' });
  t.same(parseSinkUrl('sqlite:/tmp/x/events.db?table=readings'), { kind: 'sqlite', path: '/tmp/x/events.db', table: 'readings' });
  t.same(parseSinkUrl('sqlite:///var/db/e.db'), { kind: 'sqlite', path: '/var/db/e.db', table: 'events' });
  t.same(parseSinkUrl('sqlite:./a b.db?table=_T1'), { kind: 'sqlite', path: './a b.db', table: '_T1' });
});

t.test('postgres URLs', async (t) => {
  t.same(parseSinkUrl('postgres://postgres@127.0.0.1:5432/test'), { kind: 'postgres', connectionString: 'postgres://postgres@127.0.0.1:5432/test', table: 'events' });
  t.same(parseSinkUrl('postgresql://u:secret@127.0.0.1/test?table=t2&sslmode=disable'), {
    kind: 'postgres',
    connectionString: 'postgresql://u:secret@127.0.0.1/test?sslmode=disable',
    table: 't2',
  });
});

t.test('bad sink URLs are rejected', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['events.db', /invalid sink URL "events.db": expected sqlite:PATH\[\?table=NAME\] or postgres:\/\//],
    ['mysql://h/db', /invalid sink URL "mysql:\/\/h\/db"/],
    ['sqlite:', /the database file path is missing/],
    ['sqlite:?table=x', /the database file path is missing/],
    ['sqlite:e.db?mode=ro', /unknown parameter "mode"; a sqlite: URL accepts only table=NAME/],
    ['sqlite:e.db?table=', /invalid table name ""/],
    ['postgres://h/db?table=x%22%3B%20drop%20table%20y', /invalid table name "x\\"; drop table y"/],
    ['postgres://[bad/db', /cannot parse it as a URL/],
    ['sqlite::memory:', /an in-memory SQLite database is discarded when evproc exits; give a file path, or write sqlite:.\/:memory: for a file named ":memory:"/],
    ['sqlite:e.db?table=a&table=b', /the parameter "table" is given twice; give it once/],
    ['postgres://postgres@127.0.0.1:5432/', /the database name is missing; add it after the host/],
    ['postgres://postgres@127.0.0.1:5432', /the database name is missing/],
    ['postgres://h/db/extra', /the path must be a single database name, found "db\/extra"/],
    ['postgres://h/db?table=a&table=b', /the parameter "table" is given twice/],
    ['postgres://h/db?sslmode=disable&sslmode=require', /the parameter "sslmode" is given twice/],
    ['postgres://h/db?tabel=a', /unknown parameter "tabel"; a postgres: URL accepts table and the connection parameters host, port/],
    ['postgres://h/db?database=other', /unknown parameter "database"/],
  ];
  for (const [url, message] of cases) {
    t.throws(() => parseSinkUrl(url), InvalidOptionError, url);
    t.throws(() => parseSinkUrl(url), message, url);
  }
});

t.test('password stays out of messages', async (t) => {
  t.equal(describePostgresUrl('postgres://user:hunter2@db.example:6543/prod?sslmode=require'), 'postgres://db.example:6543/prod');
  const bad = [
    'postgres://user:hunter2@[::1/db',
    'postgres://user:hunter2@127.0.0.1:5432/test?table=bad-name',
    'postgres://user:hunter2@127.0.0.1:5432/',
    'postgres://user:hunter2@h/db?table=a&table=b',
    'postgres://user:hunter2@h/db?nope=1',
    'postgres://user:hunt/er2@h:x/db',
    'postgres://user@h/db?password=hunter2&nope=1',
    'mysql://user:hunter2@h/db',
  ];
  for (const url of bad) {
    t.throws(() => parseSinkUrl(url), InvalidOptionError, url);
    try {
      parseSinkUrl(url);
    } catch (err) {
      t.notMatch((err as Error).message, /hunter2|hunt\/er2/, url);
    }
  }
});

t.test('redactSinkUrl masks passwords', async (t) => {
  t.equal(redactSinkUrl('postgres://u:pw@127.0.0.1:5432/test?table=x'), 'postgres://u:*****@127.0.0.1:5432/test?table=x');
  t.equal(redactSinkUrl('postgres://u:p@ss/w@h/db'), 'postgres://u:*****@h/db');
  t.equal(redactSinkUrl('postgres://u@h:5432/db?password=pw&sslmode=require'), 'postgres://u@h:5432/db?password=*****&sslmode=require');
  t.equal(redactSinkUrl('postgres://u@h:5432/db'), 'postgres://u@h:5432/db');
  t.equal(redactSinkUrl('postgres://h:5432/db?x=a@b'), 'postgres://h:5432/db?x=a@b');
  t.equal(redactSinkUrl('sqlite:a:b@c.db'), 'sqlite:a:b@c.db');
});

t.test('accepted connection parameters pass through', async (t) => {
  t.same(parseSinkUrl('postgres://h/db?sslmode=require&application_name=x&table=t'), {
    kind: 'postgres',
    connectionString: 'postgres://h/db?sslmode=require&application_name=x',
    table: 't',
  });
  t.same(parseSinkUrl('sqlite:./:memory:'), { kind: 'sqlite', path: './:memory:', table: 'events' });
});

t.test('table names follow identifier rules', async (t) => {
  for (const name of ['events', '_x', 'Events_2024', 'a'.repeat(63)]) t.equal(validateTableName(name), name);
  for (const name of ['', '1events', 'my-table', 'a.b', 'a b', 'é', '"x"', 'x;drop', 'a'.repeat(64), 'sqlite_master', 'SQLITE_x']) {
    t.throws(() => validateTableName(name), InvalidOptionError, JSON.stringify(name));
  }
  t.equal(quoteIdentifier('events'), '"events"');
});

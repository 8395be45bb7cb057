import t from 'tap';
import { InvalidOptionError } from '../../lib/errors.js';
import { quoteIdentifier, validateTableName } from '../../lib/sinks/event-table.js';
import { describePostgresUrl } from '../../lib/sinks/postgres-sink.js';
import { parseSinkUrl } from '../../lib/sinks/sink-url.js';

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
  ];
  for (const [url, message] of cases) {
    t.throws(() => parseSinkUrl(url), InvalidOptionError, url);
    t.throws(() => parseSinkUrl(url), message, url);
  }
});

t.test('password stays out of messages', async (t) => {
  t.equal(describePostgresUrl('postgres://user:hunter2@db.example:6543/prod?sslmode=require'), 'postgres://db.example:6543/prod');
  t.throws(() => parseSinkUrl('postgres://user:hunter2@[::1/db'), { message: /^(?!.*hunter2)/ });
});

t.test('table names follow identifier rules', async (t) => {
  for (const name of ['events', '_x', 'Events_2024', 'a'.repeat(63)]) t.equal(validateTableName(name), name);
  for (const name of ['', '1events', 'my-table', 'a.b', 'a b', 'é', '"x"', 'x;drop', 'a'.repeat(64), 'sqlite_master', 'SQLITE_x']) {
    t.throws(() => validateTableName(name), InvalidOptionError, JSON.stringify(name));
  }
  t.equal(quoteIdentifier('events'), '"events"');
});

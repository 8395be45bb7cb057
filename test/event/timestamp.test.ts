import t from 'tap';
import { parseIsoTimestamp, toEpochMs } from '../../lib/event/timestamp.js';

const INSTANT = Date.UTC(2024, 2, 10, 14, 30, 15, 250);

t.test('ISO forms of one instant agree', async (t) => {
  t.equal(parseIsoTimestamp('2024-03-10T14:30:15.250Z'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10T07:30:15.250-07:00'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10T07:30:15.250-0700'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10T20:00:15.250+05:30'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10T16:30:15.250+02'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10 14:30:15.250z'), INSTANT);
});

t.test('ISO without offset is UTC', async (t) => {
  t.equal(parseIsoTimestamp('2024-03-10T14:30:15.250'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10'), Date.UTC(2024, 2, 10));
  t.equal(parseIsoTimestamp('2024-03-10T14:30'), Date.UTC(2024, 2, 10, 14, 30));
});

t.test('fractions past milliseconds are truncated', async (t) => {
  t.equal(parseIsoTimestamp('2024-03-10T14:30:15.250999Z'), INSTANT);
  t.equal(parseIsoTimestamp('2024-03-10T14:30:15.2Z'), INSTANT - 50);
});

t.test('invalid calendar values are rejected', async (t) => {
  for (const text of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '2024-01-01T10:00:00+24:00', '24-01-01', '2024-1-1', 'now', '']) {
    t.ok(Number.isNaN(parseIsoTimestamp(text)), text);
  }
  t.equal(parseIsoTimestamp('2024-02-29'), Date.UTC(2024, 1, 29));
});

t.test('numbers in milliseconds and seconds', async (t) => {
  t.equal(toEpochMs(1500, 'ms'), 1500);
  t.equal(toEpochMs(1.5, 's'), 1500);
  t.equal(toEpochMs(1273363200.1234, 's'), 1273363200123);
  t.equal(toEpochMs('1500', 'ms'), 1500);
  t.ok(Number.isNaN(toEpochMs(Infinity, 'ms')));
  t.ok(Number.isNaN(toEpochMs(undefined, 'ms')));
  t.ok(Number.isNaN(toEpochMs(true, 'ms')));
  t.ok(Number.isNaN(toEpochMs({}, 'ms')));
});

t.test('result does not depend on TZ', async (t) => {
  const before = process.env.TZ;
  process.env.TZ = 'America/Los_Angeles';
  try {
    t.equal(parseIsoTimestamp('2024-03-10T14:30:15.250'), INSTANT);
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
});

t.test('times beyond the Date range are invalid', async (t) => {
  t.equal(toEpochMs(8.64e15, 'ms'), 8.64e15);
  t.ok(Number.isNaN(toEpochMs(8.64e15 + 1, 'ms')));
  t.ok(Number.isNaN(toEpochMs(1e300, 'ms')));
  t.ok(Number.isNaN(toEpochMs(1e306, 's')));
  t.ok(Number.isNaN(toEpochMs(-1e16, 'ms')));
});

// The speed and memory targets of evproc, checked against the result rows
// of one run. Each target lists its measurements (a label and a number) and
// is met when every measurement passes. A measurement whose rows are missing
// (a peer not installed, an input not found, a scenario not run) is shown as
// "not measured" and does not count as met.

const WINDOW_SCENARIOS = ['window --ms 1000', 'window --ms 1h --by source'];
const INPUTS = ['synthetic', 'flights'];
const MiB = 2 ** 20;

function findRow(rows, scenario, input, peer) {
  return rows.find((row) => row.scenario === scenario && row.input.startsWith(`${input} (`) && row.peer === peer);
}

/** Returns the ratio of two peers' events/s on one scenario and input, or undefined when either is missing. */
function peerRatio(rows, scenario, input, peer, other) {
  const a = findRow(rows, scenario, input, peer);
  const b = findRow(rows, scenario, input, other);
  return a === undefined || b === undefined ? undefined : a.eventsPerSecond / b.eventsPerSecond;
}

function shortName(scenario) {
  return scenario === 'window --ms 1000' ? '1s' : '1h --by';
}

/** Returns one measurement per window scenario and input. */
function perWindowRun(rows, measure) {
  return WINDOW_SCENARIOS.flatMap((scenario) => INPUTS.map((input) => ({ label: `${shortName(scenario)}, ${input}`, value: measure(rows, scenario, input) })));
}

const times = (value) => `${value.toFixed(2)}×`;
const mebibytes = (value) => `${value.toFixed(1)} MiB`;
const percent = (value) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

/**
 * The targets: a text, how to show a value, the test a value must pass
 * (undefined where no number is set and the ratio is only reported), and
 * the measurements.
 */
export const TARGETS = [
  {
    text: '`evproc window` ≥ 0.9× the hand-written loop (both inputs, with and without `--by`)',
    format: times,
    passes: (value) => value >= 0.9,
    measure: (rows) => perWindowRun(rows, (all, scenario, input) => findRow(all, scenario, input, 'evproc')?.ratio),
  },
  {
    text: '`evproc window` ≥ 8× Miller (events/s, same grouping)',
    format: times,
    passes: (value) => value >= 8,
    measure: (rows) => perWindowRun(rows, (all, scenario, input) => peerRatio(all, scenario, input, 'evproc', 'Miller')),
  },
  {
    text: '`evproc window` ≥ 25× jq (events/s, same grouping)',
    format: times,
    passes: (value) => value >= 25,
    measure: (rows) => perWindowRun(rows, (all, scenario, input) => peerRatio(all, scenario, input, 'evproc', 'jq')),
  },
  {
    text: '`evproc window` (one thread) peak RSS ≤ 120 MiB on 1M events',
    format: mebibytes,
    passes: (value) => value <= 120,
    measure: (rows) => {
      const memory = findRow(rows, 'window --ms 1000, memory', 'synthetic', 'evproc');
      return [
        ...perWindowRun(rows, (all, scenario, input) => {
          const bytes = findRow(all, scenario, input, 'evproc')?.peakRssBytes;
          return bytes === undefined ? undefined : bytes / MiB;
        }),
        { label: 'memory scenario, synthetic', value: memory?.peakRssBytes === undefined ? undefined : memory.peakRssBytes / MiB },
      ];
    },
  },
  {
    text: 'peak RSS on 5M events within 10 % of that on 1M',
    format: percent,
    passes: (value) => value <= 0.1,
    measure: (rows) => {
      const one = findRow(rows, 'window --ms 1000, memory', 'synthetic', 'evproc')?.peakRssBytes;
      const five = findRow(rows, 'window --ms 1000, memory', 'synthetic-5x', 'evproc')?.peakRssBytes;
      return [{ label: '5M against 1M', value: one === undefined || five === undefined ? undefined : five / one - 1 }];
    },
  },
  {
    text: '5-stage library pipeline ≥ 0.8× the loop',
    format: times,
    passes: (value) => value >= 0.8,
    measure: (rows) =>
      INPUTS.map((input) => ({ label: input, value: findRow(rows, 'library: parse | normalize | filter | window 1s | stringify', input, 'evproc library')?.ratio })),
  },
  {
    text: '`window --threads 2` ≥ 1.6× one thread',
    format: times,
    passes: (value) => value >= 1.6,
    measure: (rows) => perWindowRun(rows, (all, scenario, input) => peerRatio(all, scenario, input, 'evproc --threads 2', 'evproc')),
  },
  {
    text: '`batch --count 1000 --to sqlite:` against the hand-written better-sqlite3 loop',
    format: times,
    passes: undefined,
    measure: (rows) => INPUTS.map((input) => ({ label: input, value: findRow(rows, 'batch --count 1000 --to sqlite', input, 'evproc')?.ratio })),
  },
];

/** Returns the Markdown table of the targets for the result rows of one run. */
export function renderTargets(rows) {
  const lines = ['| target | measured | met |', '| --- | --- | --- |'];
  for (const target of TARGETS) {
    const measurements = target.measure(rows);
    const shown = measurements.map(({ label, value }) => `${label}: ${value === undefined ? 'not measured' : target.format(value)}`);
    const measured = measurements.filter(({ value }) => value !== undefined);
    const failed = target.passes === undefined ? 0 : measured.filter(({ value }) => !target.passes(value)).length;
    let met;
    if (target.passes === undefined) met = 'no target set';
    else if (measured.length === 0) met = 'not measured';
    else if (failed === 0 && measured.length === measurements.length) met = 'yes';
    else if (failed === 0) met = 'yes where measured';
    else if (failed === measured.length) met = 'no';
    else met = `no (met in ${measured.length - failed} of ${measurements.length})`;
    lines.push(`| ${target.text} | ${shown.join('; ')} | ${met} |`);
  }
  return lines.join('\n');
}

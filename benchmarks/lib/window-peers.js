// The peers of the window scenarios: every one reads the same file and
// writes one line per (window, key). Miller and jq compute count, sum,
// mean, min and max per group over the whole input (no watermark, no
// severity counts), on a slice of the input because they are slow; their
// rate is still per event.

/** Returns the peer list for `window --ms <ms> [--by <by>]` on `input`. */
export function windowPeers(ctx, input, { ms, by }) {
  const byArgs = by === undefined ? [] : ['--by', by];
  const windowArgs = ['--ms', String(ms), ...byArgs];
  const groupBy = by === undefined ? 'window_start' : `window_start,${by}`;
  const jqKey = by === undefined ? '$w' : `"\\($w)|\\($e.${by})"`;
  const jqProgram =
    `reduce inputs as $e ({}; (($e.timestamp - ($e.timestamp % ${ms})) | tostring) as $w | .[${jqKey}] |= ` +
    `(if . == null then {count: 1, sum: $e.value, min: $e.value, max: $e.value} ` +
    `else {count: (.count + 1), sum: (.sum + $e.value), min: ([.min, $e.value] | min), max: ([.max, $e.value] | max)} end)) ` +
    `| to_entries[] | {window: .key} + .value + {mean: (.value.sum / .value.count)}`;
  return [
    { name: 'baseline loop', baseline: true, argv: [ctx.node, ctx.peer('loop-window.js'), ...windowArgs, input.path], events: input.events },
    { name: 'evproc', argv: [ctx.node, ctx.evproc, 'window', ...windowArgs, input.path], events: input.events },
    ...(ctx.threads
      ? [{ name: 'evproc --threads 2', argv: [ctx.node, ctx.evproc, 'window', ...windowArgs, '--threads', '2', input.path], events: input.events }]
      : []),
    { name: 'split2 + Transform', argv: [ctx.node, ctx.peer('split2-window.js'), ...windowArgs, input.path], events: input.events },
    { name: 'stream-chain', argv: [ctx.node, ctx.peer('stream-chain-window.js'), ...windowArgs, input.path], events: input.events },
    {
      name: 'Miller',
      argv: ['mlr', '--ijsonl', '--ojsonl', 'put', `$window_start = $timestamp - ($timestamp % ${ms})`, 'then', 'stats1', '-a', 'count,sum,mean,min,max', '-f', 'value', '-g', groupBy, input.slicePath],
      events: input.sliceEvents,
      missing: ctx.tools.mlr ? undefined : 'Miller (mlr) is not installed: apt-get update && apt-get install -y miller',
    },
    {
      name: 'jq',
      argv: ['jq', '-n', '-c', jqProgram, input.slicePath],
      events: input.sliceEvents,
      missing: ctx.tools.jq ? undefined : 'jq is not installed: apt-get update && apt-get install -y jq',
    },
  ];
}

// Scenario: peak RSS of `evproc window --ms 1000` on the synthetic input and
// on one five times as long; memory should not grow with the input length.
export default {
  name: 'window-memory',
  title: 'window --ms 1000, memory',
  inputs: ['synthetic', 'synthetic-5x'],
  peers: (ctx, input) => [
    { name: 'baseline loop', baseline: true, argv: [ctx.node, ctx.peer('loop-window.js'), '--ms', '1000', input.path], events: input.events },
    { name: 'evproc', argv: [ctx.node, ctx.evproc, 'window', '--ms', '1000', input.path], events: input.events },
  ],
};

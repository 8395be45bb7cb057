// Scenario: evproc as a library, parse → normalize → filter → window →
// stringify fused into one Transform, against the same work in one loop.
export default {
  name: 'pipeline-5-stage',
  title: 'library: parse | normalize | filter | window 1s | stringify',
  inputs: ['synthetic', 'flights'],
  peers: (ctx, input) => [
    { name: 'baseline loop', baseline: true, argv: [ctx.node, ctx.peer('loop-pipeline.js'), '--ms', '1000', input.path], events: input.events },
    { name: 'evproc library', argv: [ctx.node, ctx.peer('evproc-pipeline.js'), '--ms', '1000', input.path], events: input.events },
  ],
};

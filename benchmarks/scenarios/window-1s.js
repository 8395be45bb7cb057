// Scenario: one tumbling window series, `evproc window --ms 1000`.
import { windowPeers } from '../lib/window-peers.js';

export default {
  name: 'window-1s',
  title: 'window --ms 1000',
  inputs: ['synthetic', 'flights'],
  peers: (ctx, input) => windowPeers(ctx, input, { ms: 1000 }),
};

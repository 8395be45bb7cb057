// Scenario: one window series per source, `evproc window --ms 1h --by source`.
import { windowPeers } from '../lib/window-peers.js';

export default {
  name: 'window-1h-by-source',
  title: 'window --ms 1h --by source',
  inputs: ['synthetic', 'flights'],
  peers: (ctx, input) => windowPeers(ctx, input, { ms: 3_600_000, by: 'source' }),
};

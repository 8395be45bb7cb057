import t from 'tap';
import { parseLines, runCli } from './helpers/cli.js';

t.test('window counts boundary events in the later window', async (t) => {
  const input = [0, 999, 1000, 1999, 2000].map((timestamp) => JSON.stringify({ timestamp, value: 1 })).join('\n') + '\n';
  const result = await runCli(['window', '--ms', '1000'], { stdin: input });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.same(parseLines(result.stdout).map((window) => window.event_count), [2, 2, 1]);
});

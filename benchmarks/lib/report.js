// Formats benchmark results: a text table for the terminal, a Markdown
// section for docs/benchmarks.md and an SVG bar chart of ratios.
import { renderTargets } from './targets.js';

// "CPU s" is the median of user plus system time, which waiting for the disk or for a busy core does not add to.
const COLUMNS = ['scenario', 'input', 'peer', 'median s', 'events/s', 'vs baseline', 'peak RSS MiB', 'CPU s', 'min–max s'];

function cells(row) {
  return [
    row.scenario,
    row.input,
    row.peer,
    row.medianSeconds.toFixed(3),
    Math.round(row.eventsPerSecond).toLocaleString('en-US'),
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
    row.peakRssBytes === undefined ? '' : (row.peakRssBytes / 2 ** 20).toFixed(1),
    row.medianCpuSeconds === undefined ? '' : row.medianCpuSeconds.toFixed(2),
    `${row.minSeconds.toFixed(2)}–${row.maxSeconds.toFixed(2)}`,
  ];
}

/** Returns an aligned plain-text table. */
export function renderTable(rows) {
  const table = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  return table.map((line) => line.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')).join('\n');
}

function markdownTable(rows) {
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map((_, i) => (i >= 3 ? ' ---: ' : ' --- ')).join('|')}|`];
  // A "|" inside a cell (the pipeline scenario's title) would end the cell.
  for (const row of rows) lines.push(`| ${cells(row).map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  return lines.join('\n');
}

/**
 * Replaces the text between the results markers of the benchmarks page.
 * `load` has the 1-minute load average at the start and its min, median and
 * max over the run.
 */
export function renderMarkdown(current, machine, options, { rows, soakResults = [], notes = [], load }) {
  const section = [
    '<!-- results:start -->',
    '<!-- Written by `npm run bench`; edit the text outside these markers. -->',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.os}.`,
    `Versions: Node ${machine.node}, evproc ${machine.evproc}, split2 ${machine.split2}, stream-chain ${machine.streamChain}, ` +
      `${machine.miller ?? 'Miller not installed'}, ${machine.jq ?? 'jq not installed'}.`,
    `Load: the 1-minute load average was ${load.start.toFixed(2)} when the run started and ${load.min.toFixed(2)} to ${load.max.toFixed(2)} ` +
      `(median ${load.median.toFixed(2)}) while it ran, sampled every 5 s; the benchmark's own process accounts for about 1 of it.`,
    `Each figure is the median of ${options.runs} alternating runs unless a note below the table says otherwise; Miller and jq read the first ${options.slice.toLocaleString('en-US')} events of each input.`,
    '',
    markdownTable(rows),
    '',
    ...(notes.length === 0 ? [] : [...notes.map((note) => `- ${note}`), '']),
    'Targets, from the rows above:',
    '',
    renderTargets(rows),
    '',
    '![events per second relative to the baseline loop](benchmarks.svg)',
    ...soakResults.flatMap(({ title, result }) => ['', `${title}: \`${JSON.stringify(result)}\``]),
    '<!-- results:end -->',
  ].join('\n');
  const pattern = /<!-- results:start -->[\s\S]*<!-- results:end -->/;
  return pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`;
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns an SVG with one horizontal bar per row: its events/s relative to the baseline. */
export function renderChart(rows) {
  const rated = rows.filter((row) => row.ratio !== undefined);
  const barHeight = 16;
  const gap = 4;
  const labelWidth = 430;
  const plotWidth = 360;
  const top = 30;
  const maxRatio = Math.max(1.5, ...rated.map((row) => row.ratio));
  const height = top + rated.length * (barHeight + gap) + 30;
  const x = (ratio) => labelWidth + (ratio / maxRatio) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 70}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-weight="bold">events/s relative to the hand-written loop (1.0 = baseline, median of runs)</text>`,
  ];
  rated.forEach((row, i) => {
    const y = top + i * (barHeight + gap);
    const colour = row.baseline ? '#888' : row.peer.startsWith('evproc') ? '#2a6fdb' : '#e39b2d';
    parts.push(`<text x="${labelWidth - 6}" y="${y + barHeight - 4}" text-anchor="end">${escapeXml(`${row.scenario}, ${row.input}: ${row.peer}`)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y}" width="${Math.max(1, x(row.ratio) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${colour}"/>`);
    parts.push(`<text x="${(x(row.ratio) + 4).toFixed(1)}" y="${y + barHeight - 4}">${row.ratio.toFixed(2)}</text>`);
  });
  const baselineX = x(1).toFixed(1);
  parts.push(`<line x1="${baselineX}" y1="${top - 4}" x2="${baselineX}" y2="${height - 24}" stroke="#444" stroke-dasharray="3,3"/>`);
  parts.push(`<text x="${baselineX}" y="${height - 10}" text-anchor="middle">1.0</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

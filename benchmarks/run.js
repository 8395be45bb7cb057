#!/usr/bin/env node
// Benchmark runner: prepares the inputs, runs every scenario's peers as
// child processes in alternating order, and prints medians, events/s, the
// ratio to the hand-written baseline, peak RSS and CPU time. Without --no-docs
// it also rewrites the results section of docs/benchmarks.md (with the table
// of targets from benchmarks/lib/targets.js) and docs/benchmarks.svg.
//
//   npm run bench -- [--runs 5] [--events 1000000] [--slice 100000]
//                    [--only window-1s,window-memory] [--flights FILE.ndjson.gz]
//                    [--data-dir DIR] [--no-docs] [--smoke] [--soak-seconds 60]
//
// The machine these run on is shared and noisy: compare ratios from one run,
// not absolute rates across runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, createReadStream, createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeMachine } from './lib/machine.js';
import { hasGnuTime, measure, median } from './lib/measure.js';
import { renderChart, renderMarkdown, renderTable } from './lib/report.js';
import { writeSyntheticEvents } from './lib/synthetic.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);

function parseArgs(argv) {
  const options = {
    runs: 5,
    events: 1_000_000,
    slice: 100_000,
    only: undefined,
    flights: path.resolve(ROOT, '../shared/data/flights-1m.ndjson.gz'),
    dataDir: path.join(BENCH_DIR, 'data'),
    docs: true,
    smoke: false,
    soakSeconds: 60,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`missing value after ${arg}`);
      return next;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--events') options.events = Number(value());
    else if (arg === '--slice') options.slice = Number(value());
    else if (arg === '--only') options.only = value().split(',');
    else if (arg === '--flights') options.flights = path.resolve(value());
    else if (arg === '--data-dir') options.dataDir = path.resolve(value());
    else if (arg === '--soak-seconds') options.soakSeconds = Number(value());
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--smoke') options.smoke = true;
    else throw new Error(`unknown option ${arg}; see the header of benchmarks/run.js`);
  }
  if (options.smoke) {
    // A seconds-long run for the test suite: tiny synthetic input, one run, no docs.
    options.runs = 1;
    options.events = Math.min(options.events, 2000);
    options.slice = Math.min(options.slice, 500);
    options.docs = false;
    options.only ??= ['window-1s'];
    options.flights = undefined;
  }
  for (const name of ['runs', 'events', 'slice', 'soakSeconds']) {
    if (!Number.isSafeInteger(options[name]) || options[name] < 1) throw new Error(`--${name} must be a whole number of at least 1`);
  }
  return options;
}

/** Copies the first `count` lines of `source` to `target`; returns the number copied. */
async function copyLines(source, target, count) {
  const out = createWriteStream(target);
  const lines = createInterface({ input: createReadStream(source), crlfDelay: Infinity });
  let copied = 0;
  for await (const line of lines) {
    if (copied === count) break;
    out.write(line + '\n');
    copied++;
  }
  lines.close();
  out.end();
  await new Promise((resolve) => out.on('finish', resolve));
  return copied;
}

async function countLines(file) {
  let count = 0;
  for await (const chunk of createReadStream(file)) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
  }
  return count;
}

/** Creates (once) the unpacked inputs and their slices in the data folder. */
async function prepareInput(name, options) {
  mkdirSync(options.dataDir, { recursive: true });
  let file;
  if (name === 'synthetic' || name === 'synthetic-5x') {
    const events = name === 'synthetic' ? options.events : options.events * 5;
    file = path.join(options.dataDir, `synthetic-${events}.ndjson`);
    if (!existsSync(file)) {
      console.error(`generating ${events} synthetic events into ${path.relative(ROOT, file)}`);
      await writeSyntheticEvents(file, events);
    }
  } else if (name === 'flights') {
    if (options.flights === undefined || !existsSync(options.flights)) return undefined;
    file = path.join(options.dataDir, path.basename(options.flights).replace(/\.gz$/, ''));
    if (!existsSync(file) || statSync(file).mtimeMs < statSync(options.flights).mtimeMs) {
      console.error(`unpacking ${options.flights}`);
      if (options.flights.endsWith('.gz')) await pipeline(createReadStream(options.flights), createGunzip(), createWriteStream(file));
      else await pipeline(createReadStream(options.flights), createWriteStream(file));
    }
  } else {
    throw new Error(`unknown input ${name}`);
  }
  const events = await countLines(file);
  const slicePath = file.replace(/\.ndjson$/, `.slice-${options.slice}.ndjson`);
  const sliceEvents = existsSync(slicePath) ? await countLines(slicePath) : await copyLines(file, slicePath, options.slice);
  return { name, path: file, events, slicePath, sliceEvents };
}

async function loadScenarios(only) {
  const dir = path.join(BENCH_DIR, 'scenarios');
  const scenarios = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.js')).sort()) {
    const scenario = (await import(pathToFileURL(path.join(dir, file)).href)).default;
    if (scenario.manual && !(only ?? []).includes(scenario.name)) continue;
    if (only === undefined || only.includes(scenario.name)) scenarios.push(scenario);
  }
  // Soak scenarios load both cores for a minute, which would raise the load average the measured scenarios run under.
  return [...scenarios.filter((scenario) => scenario.run === undefined), ...scenarios.filter((scenario) => scenario.run !== undefined)];
}

/** Minimum runs per peer before a scenario's time budget may stop the rounds. */
const MIN_RUNS_IN_BUDGET = 3;

/**
 * Runs every peer options.runs times, alternating the order, and returns
 * per peer { seconds, rss, cpu, checks }. A peer's optional check() runs after
 * each successful run (its result goes to checks) and cleanup() before and
 * after each run, also when the run fails. With scenario.budgetSeconds the
 * rounds stop once that much time has passed and MIN_RUNS_IN_BUDGET are done.
 */
async function runPeers(scenario, peers, options) {
  const samples = new Map(peers.map((peer) => [peer, { seconds: [], rss: [], cpu: [], checks: [] }]));
  const started = Date.now();
  for (let run = 0; run < options.runs; run++) {
    // Alternate the order so a slow phase of the machine does not always hit the same peer.
    const order = run % 2 === 0 ? peers : [...peers].reverse();
    for (const peer of order) {
      peer.cleanup?.();
      try {
        const sample = await measure(peer.argv, { cwd: ROOT, ...(peer.stdinFile === undefined ? {} : { stdinFile: peer.stdinFile }) });
        samples.get(peer).seconds.push(sample.seconds);
        if (sample.rssBytes !== undefined) samples.get(peer).rss.push(sample.rssBytes);
        if (sample.cpuSeconds !== undefined) samples.get(peer).cpu.push(sample.cpuSeconds);
        if (peer.check !== undefined) samples.get(peer).checks.push(peer.check());
      } finally {
        peer.cleanup?.();
      }
    }
    const overBudget = scenario.budgetSeconds !== undefined && Date.now() - started > scenario.budgetSeconds * 1000;
    if (overBudget && run + 1 >= MIN_RUNS_IN_BUDGET) break;
  }
  return samples;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const machine = describeMachine();
  const ctx = {
    root: ROOT,
    node: process.execPath,
    evproc: path.join(ROOT, 'bin', 'evproc.js'),
    peer: (file) => path.join(BENCH_DIR, 'peers', file),
    tools: { mlr: machine.miller !== undefined, jq: machine.jq !== undefined },
    threads: existsSync(path.join(ROOT, 'dist', 'parallel', 'window-worker.js')),
    library: (file) => path.join(ROOT, 'dist', file),
  };
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}`);
  console.log(
    `versions: Node ${machine.node}, evproc ${machine.evproc}, split2 ${machine.split2}, stream-chain ${machine.streamChain}, ` +
      `${machine.miller ?? 'Miller: not installed (apt-get update && apt-get install -y miller)'}, ${machine.jq ?? 'jq: not installed'}`,
  );
  if (!hasGnuTime) console.log('peak RSS: not measured, GNU time is missing (apt-get install -y time)');
  console.log(`runs: ${options.runs} per peer, alternating; Miller and jq read the first ${options.slice} events`);
  // The 1-minute load average, sampled every 5 s while the peers run; the benchmark's own child adds about 1 to it.
  const loadAtStart = os.loadavg()[0];
  const loadSamples = [loadAtStart];
  const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 5000);
  loadTimer.unref();
  console.log(`load average (1 min) at start: ${loadAtStart.toFixed(2)}\n`);

  const scenarios = await loadScenarios(options.only);
  const inputs = new Map();
  const results = [];
  const soakResults = [];
  // Lines printed under each table and listed under the table in the docs: fewer runs than asked, result checks.
  const notes = [];
  let notesBefore = 0;
  for (const scenario of scenarios) {
    if (scenario.run !== undefined) {
      soakResults.push({ title: scenario.title, result: await scenario.run(ctx, options) });
      continue;
    }
    for (const inputName of scenario.inputs) {
      if (!inputs.has(inputName)) inputs.set(inputName, await prepareInput(inputName, options));
      const input = inputs.get(inputName);
      if (input === undefined) {
        console.log(`${scenario.title} on ${inputName}: skipped, input not found (pass --flights FILE)\n`);
        continue;
      }
      const peers = await scenario.peers(ctx, input);
      const runnable = peers.filter((peer) => {
        if (peer.missing === undefined) return true;
        console.log(`${scenario.title} on ${inputName}: skipping ${peer.name}: ${peer.missing}`);
        return false;
      });
      const samples = await runPeers(scenario, runnable, options);
      const rows = runnable.map((peer) => {
        const { seconds, rss, cpu } = samples.get(peer);
        const medianSeconds = median(seconds);
        return {
          scenario: scenario.title,
          input: `${inputName} (${input.events.toLocaleString('en-US')})`,
          peer: peer.name,
          events: peer.events,
          runs: seconds.length,
          medianSeconds,
          minSeconds: Math.min(...seconds),
          maxSeconds: Math.max(...seconds),
          medianCpuSeconds: cpu.length > 0 ? median(cpu) : undefined,
          eventsPerSecond: peer.events / medianSeconds,
          peakRssBytes: rss.length > 0 ? Math.max(...rss) : undefined,
          baseline: peer.baseline === true,
        };
      });
      const baseline = rows.find((row) => row.baseline);
      for (const row of rows) row.ratio = baseline === undefined ? undefined : row.eventsPerSecond / baseline.eventsPerSecond;
      console.log(renderTable(rows));
      const runs = rows[0]?.runs ?? 0;
      if (runs < options.runs) {
        notes.push(`${scenario.title} on ${inputName}: median of ${runs} runs, not ${options.runs}, because the scenario ran past its budget of ${scenario.budgetSeconds} s`);
      }
      if (scenario.verify !== undefined) {
        const checks = new Map(runnable.map((peer) => [peer.name, samples.get(peer).checks]));
        try {
          notes.push(`${scenario.title} on ${inputName}: ${scenario.verify(checks, input)}`);
        } catch (err) {
          notes.push(`${scenario.title} on ${inputName}: CHECK FAILED: ${err.message}`);
          process.exitCode = 1;
        }
      }
      for (const note of notes.slice(notesBefore)) console.log(note);
      notesBefore = notes.length;
      console.log('');
      results.push(...rows);
    }
  }

  clearInterval(loadTimer);
  loadSamples.push(os.loadavg()[0]);
  const load = { start: loadAtStart, min: Math.min(...loadSamples), median: median(loadSamples), max: Math.max(...loadSamples) };
  console.log(`load average (1 min) during the run: ${load.min.toFixed(2)} to ${load.max.toFixed(2)}, median ${load.median.toFixed(2)}, over ${loadSamples.length} samples`);

  if (options.docs) {
    const docsDir = path.join(ROOT, 'docs');
    mkdirSync(docsDir, { recursive: true });
    writeFileSync(path.join(docsDir, 'benchmarks.svg'), renderChart(results));
    const docPath = path.join(docsDir, 'benchmarks.md');
    const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n<!-- results:start -->\n<!-- results:end -->\n';
    writeFileSync(docPath, renderMarkdown(current, machine, options, { rows: results, soakResults, notes, load }));
    console.log(`wrote docs/benchmarks.md and docs/benchmarks.svg`);
  }
}

main().catch((err) => {
  console.error(`bench: error: ${err.message}`);
  process.exitCode = 1;
});

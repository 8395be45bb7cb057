import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerWindowCommand } from './commands/window.js';
import { registerBatchCommand } from './commands/batch.js';
import { registerNormalizeCommand } from './commands/normalize.js';
import { registerBufferCommand } from './commands/buffer.js';
import { registerFilterCommand } from './commands/filter.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerAnomaliesCommand } from './commands/anomalies.js';
import { EXIT_CODES_HELP, EXIT_FAILURE, EXIT_USAGE } from './exit-codes.js';

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Builds the evproc program with every command registered. */
export function createProgram(): Command {
  const program = new Command('evproc')
    .description('Real-time event stream processor: reads NDJSON events, writes NDJSON results.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerWindowCommand(program);
  registerBatchCommand(program);
  registerNormalizeCommand(program);
  registerBufferCommand(program);
  registerFilterCommand(program);
  registerGenerateCommand(program);
  registerAnomaliesCommand(program);
  program.commands.forEach((command) => command.showHelpAfterError('(run with --help for usage)'));
  return program;
}

/** Runs the CLI; usage errors exit 2, help and version exit 0. */
export async function main(argv: string[]): Promise<void> {
  // A reader that closes stdout early (`evproc --help | head -n 1`) is a
  // normal end. A command's pipeline sees every stdout error itself and
  // reports it; this listener only keeps output written outside a pipeline
  // (help, version) from crashing, and marks other write errors as failures.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.exitCode = EXIT_FAILURE;
  });
  const program = createProgram();
  program.exitOverride();
  program.commands.forEach((command) => command.exitOverride());
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    throw err;
  }
}

#!/usr/bin/env node
// `medsweep`: sweeps, leaderboards, datasets, weights, evaluations and verification through a MedSweep
// server's API (after `medsweep login`), and the operator commands (stack, migrate, doctor, web, demo)
// that run next to the stack with its credentials.
import { Command, CommanderError } from 'commander';
import { quietNativeTensorflow } from '@medsweep/config';
import { registerEvaluateCommand } from './commands/evaluate.js';
import { registerLeaderboardCommand } from './commands/leaderboard.js';
import { registerLoginCommands } from './commands/login.js';
import { registerSweepCommands } from './commands/sweep.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWeightsCommands } from './commands/weights.js';
import { selectProfile } from './client/profiles.js';
import { describeError, EXIT, exitCodeFor } from './output.js';

// Before any command loads TensorFlow or starts a worker: its C++ INFO lines are not the CLI's output.
quietNativeTensorflow();

const program = new Command('medsweep')
  .description('MedSweep: CNN sweeps for medical imaging, with results you can trace')
  .option('--profile <name>', 'which login to use (default: MEDSWEEP_PROFILE, else default)')
  .exitOverride()
  .showHelpAfterError()
  .hook('preAction', (command) => {
    const { profile } = command.opts<{ profile?: string }>();
    if (profile !== undefined) selectProfile(profile);
  });
registerLoginCommands(program);
registerSweepCommands(program);
registerLeaderboardCommand(program);
registerWeightsCommands(program);
registerEvaluateCommand(program);
registerVerifyCommand(program);

/** Commands that only talk to a server's API, with the caller's token and role. */
const API_COMMANDS = new Set([
  'login',
  'logout',
  'sweep',
  'leaderboard',
  'report',
  'weights',
  'evaluate',
  'verify',
]);

/** The command word on the command line (skipping --profile's value). */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--profile') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const word = commandWord(process.argv.slice(2)) ?? '';
// `data` reads dataset files here (@medsweep/ml's readers) before it imports through the API, and the
// operator commands load the stack's clients: each is loaded only when it may run (or for help).
if (word === 'data' || !API_COMMANDS.has(word)) {
  const { registerDataCommands } = await import('./commands/data.js');
  registerDataCommands(program);
}
if (word !== 'data' && !API_COMMANDS.has(word)) {
  const { registerOperatorCommands } = await import('./commands/operator.js');
  registerOperatorCommands(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
  console.error(`medsweep: ${describeError(e)}`);
  process.exit(exitCodeFor(e));
}

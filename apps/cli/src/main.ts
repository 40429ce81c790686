#!/usr/bin/env node
// `medsweep`: stack, data, sweeps, leaderboards and verification from the command line.
import { Command, CommanderError } from 'commander';
import { quietNativeTensorflow } from '@medsweep/config';
import { registerDataCommands } from './commands/data.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerLeaderboardCommand } from './commands/leaderboard.js';
import { registerStackCommands } from './commands/stack.js';
import { registerSweepCommands } from './commands/sweep.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWebCommands } from './commands/web.js';
import { describeError, EXIT, exitCodeFor } from './output.js';

// Before any command loads TensorFlow or starts a worker: its C++ INFO lines are not the CLI's output.
quietNativeTensorflow();

const program = new Command('medsweep')
  .description('MedSweep: CNN sweeps for medical imaging, with results you can trace')
  .exitOverride()
  .showHelpAfterError();
registerStackCommands(program);
registerDoctorCommand(program);
registerSweepCommands(program);
registerDataCommands(program);
registerLeaderboardCommand(program);
registerDemoCommand(program);
registerVerifyCommand(program);
registerWebCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
  console.error(`medsweep: ${describeError(e)}`);
  process.exit(exitCodeFor(e));
}

// The commands that run next to the stack with its credentials (Postgres, S3, Temporal): loaded only when
// one of them is run, so the API commands need neither Prisma, TensorFlow nor a Temporal client.
import type { Command } from 'commander';
import { registerDemoCommand } from './demo.js';
import { registerDoctorCommand } from './doctor.js';
import { registerStackCommands } from './stack.js';
import { registerWebCommands } from './web.js';

export function registerOperatorCommands(program: Command): void {
  registerStackCommands(program);
  registerDoctorCommand(program);
  registerDemoCommand(program);
  registerWebCommands(program);
}

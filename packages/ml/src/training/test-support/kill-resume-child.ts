// Child process of the kill-and-resume test: runs tinyTrainArgs with checkpoints in argv[2], prints
// "mid-epoch" once it is two batches into its second epoch (after the first checkpoint), then
// waits there to be killed with SIGKILL.
import { setTimeout as sleep } from 'node:timers/promises';
import { selectBackend } from '../../backend.js';
import { LocalDirectoryCheckpointStore } from '../checkpoint.js';
import { train } from '../trainer.js';
import { tinyModel, tinyTrainArgs } from './tiny-run.js';

const directory = process.argv[2];
if (!directory) throw new Error('usage: kill-resume-child.ts <checkpoint-directory>');

const { tf } = await selectBackend();
const model = tinyModel(tf, 5);
await train({
  ...tinyTrainArgs(tf, model),
  checkpoints: new LocalDirectoryCheckpointStore(directory),
  onProgress: async (p) => {
    if (p.phase === 'batch' && p.epoch === 1 && p.batch === 2) {
      process.stdout.write('mid-epoch\n');
      await sleep(60_000);
    }
  },
});
process.stdout.write('finished without being killed\n');

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@medsweep/config';
import { sha256Hex } from '@medsweep/core';

/** Which code a worker runs, for lineage: the commit, whether the tree differed from it, the lockfile. */
export interface CodeVersion {
  /** Full commit hash of HEAD, or `unknown` outside a git checkout (then `dirty` is true). */
  commit: string;
  /** The working tree has changes (tracked or untracked) against the commit, or none could be checked. */
  dirty: boolean;
  /** sha256 of package-lock.json: the exact dependency versions. */
  lockHash: string;
  /** `<commit>` or `<commit>-dirty`, as recorded on trial attempts. */
  label: string;
}

const git = promisify(execFile);
const versions = new Map<string, Promise<CodeVersion>>();

/** The code version of the checkout at `root`; computed once per process (the code does not change under it). */
export function codeVersion(root: string = repoRoot()): Promise<CodeVersion> {
  let version = versions.get(root);
  if (!version) {
    version = readCodeVersion(root);
    versions.set(root, version);
  }
  return version;
}

async function readCodeVersion(root: string): Promise<CodeVersion> {
  const lockHash = sha256Hex(new Uint8Array(await readFile(join(root, 'package-lock.json'))));
  let commit = 'unknown';
  let dirty = true;
  try {
    commit = (await git('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
    dirty =
      (
        await git('git', ['status', '--porcelain'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
      ).stdout.trim() !== '';
  } catch {
    // No git or no repository (an installed build): the version stays unknown and counts as dirty.
  }
  return { commit, dirty, lockHash, label: dirty ? `${commit}-dirty` : commit };
}

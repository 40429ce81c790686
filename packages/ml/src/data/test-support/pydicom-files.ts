// Where the project venv's pydicom wheel keeps its DICOM test files (infra/setup.sh installs it): real
// files the DICOM tests read in place, never copied into the repository.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';

/** The pydicom/data/test_files folder of the venv, or undefined where pydicom is not installed. */
export function pydicomTestFiles(): string | undefined {
  const lib = join(loadConfig().cacheDir, 'venv', 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const folder = join(lib, python, 'site-packages', 'pydicom', 'data', 'test_files');
    if (existsSync(folder)) return folder;
  }
  return undefined;
}

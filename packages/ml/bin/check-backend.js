#!/usr/bin/env node
/* global process, console, URL */
// Prints the TensorFlow.js backend this machine gets (`npm run check:backend`) and exits 1 when the
// native one is missing, so a broken setup fails here rather than as a sweep that crawls.
//   --allow-slow   accept the pure-JS cpu backend (prints a warning, exits 0)
// Loads the TypeScript sources through tsx so no build is needed; falls back to dist/ where tsx is
// absent (a production install without devDependencies).
import { existsSync } from 'node:fs';

const allowSlowBackend = process.argv.includes('--allow-slow');

async function loadMl() {
  const source = new URL('../src/index.ts', import.meta.url);
  const built = new URL('../dist/index.js', import.meta.url);
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    if (!existsSync(built)) {
      console.error(
        'check-backend: tsx is not installed and packages/ml is not built: run `npm install` or `npm run build`',
      );
      process.exit(2);
    }
    return import(built.href);
  }
  return tsx.tsImport(source.href, import.meta.url);
}

const { selectBackend, describeBackend, NativeBackendUnavailableError } = await loadMl();

try {
  const info = await selectBackend({ allowSlowBackend });
  console.log(`tfjs backend: ${describeBackend(info)}`);
  if (!info.native) {
    console.error(
      'check-backend: WARNING: no native TensorFlow; training will be 10-100x slower. Fix: npm run setup',
    );
  }
} catch (error) {
  const bar = '!'.repeat(100);
  if (error instanceof NativeBackendUnavailableError) {
    console.error(
      `${bar}\ncheck-backend: FAILED, native TensorFlow backend expected but unavailable.\n${error.message}\n` +
        `(here: pass --allow-slow to accept it)\n${bar}`,
    );
  } else {
    console.error(`${bar}\ncheck-backend: FAILED\n`, error, `\n${bar}`);
  }
  process.exit(1);
}

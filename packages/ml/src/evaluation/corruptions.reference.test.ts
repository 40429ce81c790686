// The corruptions against MedMNIST-C (PyPI medmnistc 0.1.0) on fixed images: scripts/medmnistc-reference.py
// runs live through the project venv (infra/setup.sh installs medmnistc and the packages its compared
// modules import) and writes inputs, the random draws it fed medmnistc, and medmnistc's outputs. Gamma and
// gaussian blur are compared with the torchvision formulas, motion blur with ImageMagick's algorithm,
// written out in that script (torch, torchvision and Wand are not installed); see its docstring.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@medsweep/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { Corruption, CorruptionDraw, ImageBatch } from './corruptions.js';
import { applyCorruption } from './corruptions.js';

const python = join(loadConfig().cacheDir, 'venv', 'bin', 'python');
const script = fileURLToPath(new URL('../../scripts/medmnistc-reference.py', import.meta.url));
const MODULES = ['medmnistc', 'PIL', 'skimage', 'cv2', 'numpy'];

function hasReferencePackages(): boolean {
  if (!existsSync(python)) return false;
  const probe = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(MODULES)}) else 1)`;
  return spawnSync(python, ['-c', probe], { timeout: 30_000 }).status === 0;
}

interface StoredBatch {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  images: string;
}

interface ReferenceCase {
  batch: string;
  corruption: Corruption;
  reference: string;
  draw?: { kind: CorruptionDraw['kind']; values: string };
  expected: string;
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function decodeDraw(draw: NonNullable<ReferenceCase['draw']>): CorruptionDraw {
  const raw = bytes(draw.values);
  const view = <T>(Type: new (buffer: ArrayBuffer) => T) => new Type(raw.slice().buffer);
  switch (draw.kind) {
    case 'normal':
      return { kind: 'normal', values: view(Float64Array) };
    case 'angle':
      return { kind: 'angle', values: view(Float64Array) };
    case 'poisson':
      return { kind: 'poisson', values: view(Int32Array) };
    case 'impulse':
      return { kind: 'impulse', values: raw };
  }
}

/**
 * How closely each kind must match. Exact where both sides do the same integer or float32 arithmetic
 * (PIL's fixed-point resize and float32 blend, lookup tables, libjpeg). Within one grey level where the
 * reference computes in float64 and we in float32 (noise) or sums in another order (blur convolutions):
 * a value within a float32 rounding of an integer can truncate or round the other way.
 */
const ONE_GREY_LEVEL = new Set(['gaussian_noise', 'speckle_noise', 'gaussian_blur', 'motion_blur']);
/** Share of values allowed to differ by that one level. */
const MAX_OFF_BY_ONE = 0.002;

describe.runIf(hasReferencePackages())(
  'corruptions against medmnistc 0.1.0 (live, through the project venv)',
  () => {
    let backend: BackendInfo;
    let reference: { batches: Record<string, StoredBatch>; cases: ReferenceCase[] };
    const dir = mkdtempSync(join(tmpdir(), 'medsweep-medmnistc-'));

    beforeAll(async () => {
      backend = await selectBackend();
      const out = join(dir, 'medmnistc-reference.json');
      const run = spawnSync(python, [script, out], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(0);
      reference = JSON.parse(readFileSync(out, 'utf8'));
    }, 180_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('matches every case: exactly, or within one grey level on few values where float precision differs', async () => {
      const { tf } = backend;
      const report: string[] = [];
      const tensors = tf.memory().numTensors;
      for (const c of reference.cases) {
        const stored = reference.batches[c.batch]!;
        const batch: ImageBatch = { ...stored, images: bytes(stored.images) };
        const got = await applyCorruption(tf, batch, c.corruption, c.draw && decodeDraw(c.draw));
        const want = bytes(c.expected);
        expect(got.length).toBe(want.length);
        let maxDiff = 0;
        let differing = 0;
        for (let i = 0; i < got.length; i++) {
          const d = Math.abs(got[i]! - want[i]!);
          if (d > 0) differing++;
          maxDiff = Math.max(maxDiff, d);
        }
        const what = `${c.batch} ${JSON.stringify(c.corruption)} vs ${c.reference}`;
        if (ONE_GREY_LEVEL.has(c.corruption.kind)) {
          expect(maxDiff, what).toBeLessThanOrEqual(1);
          expect(differing / got.length, what).toBeLessThanOrEqual(MAX_OFF_BY_ONE);
        } else {
          expect({ what, maxDiff, differing }).toEqual({ what, maxDiff: 0, differing: 0 });
        }
        if (differing > 0) report.push(`${what}: ${differing}/${got.length} values off by ${maxDiff}`);
      }
      expect(tf.memory().numTensors).toBe(tensors);
      console.log(`${reference.cases.length} cases compared; not exact:\n${report.join('\n') || '(none)'}`);
    }, 300_000);
  },
);

// decodeDicom against pydicom on the real DICOM files its wheel ships (found through the project venv,
// never committed): every supported transfer syntax gives pydicom's pixel_array after apply_rescale,
// value for value; broken and unsupported files give errors naming file and problem.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@medsweep/config';
import { describe, expect, it } from 'vitest';
import { DicomFormatError, UnsupportedDicomImageError, UnsupportedTransferSyntaxError } from '../errors.js';
import type { DicomImage } from './dicom.js';
import { decodeDicom, dicomToUint8 } from './dicom.js';

const python = join(loadConfig().cacheDir, 'venv', 'bin', 'python');
const SCRIPT = fileURLToPath(new URL('../../scripts/dicom-reference.py', import.meta.url));

/** One file per decoded case: syntax, byte order, bit depth, sign, colour, planar layout. */
const SUPPORTED = {
  'CT_small.dcm': 'explicit VR little endian, signed 16-bit, rescale slope 1 / intercept -1024',
  'MR_small.dcm': 'explicit VR little endian, signed 16-bit, file window',
  'MR_small_bigendian.dcm': 'explicit VR big endian',
  'MR_small_implicit.dcm': 'implicit VR little endian',
  'MR_small_RLE.dcm': 'RLE Lossless, 16-bit (two byte planes)',
  'MR_small_padded.dcm': 'pixel data followed by padding',
  'rtdose_1frame.dcm': 'implicit VR, unsigned 32-bit',
  'rtdose_rle_1frame.dcm': 'RLE Lossless, 32-bit (four byte planes)',
  'SC_rgb_small_odd.dcm': 'RGB 8-bit, odd size',
  'SC_rgb_small_odd_big_endian.dcm': 'RGB 8-bit, big endian',
  'SC_rgb_rle.dcm': 'RGB RLE Lossless (three planes)',
  'ExplVR_BigEnd.dcm': 'RGB ultrasound, explicit VR big endian',
  'image_dfl.dcm': 'deflated explicit VR little endian, unsigned 8-bit',
} as const;

interface Reference {
  directory: string;
  files: Record<string, { shape: number[]; sha256: string; min: number; max: number }>;
}

function reference(): Reference | undefined {
  if (!existsSync(python)) return undefined;
  const run = spawnSync(python, [SCRIPT, ...Object.keys(SUPPORTED)], { encoding: 'utf8', timeout: 120_000 });
  return run.status === 0 ? (JSON.parse(run.stdout) as Reference) : undefined;
}

const ref = reference();

describe.runIf(ref !== undefined)('decodeDicom on pydicom 3.0 test files', () => {
  const { directory, files } = ref as Reference;
  const decode = (name: string): DicomImage =>
    decodeDicom(new Uint8Array(readFileSync(join(directory, name))), name);
  const thrown = (name: string): unknown => {
    try {
      decode(name);
    } catch (error) {
      return error;
    }
    throw new Error(`${name} decoded without error`);
  };

  it.each(Object.entries(SUPPORTED))('%s (%s) equals pydicom pixel_array after apply_rescale', (name) => {
    const image = decode(name);
    const expected = files[name];
    const shape = image.samplesPerPixel === 3 ? [image.rows, image.columns, 3] : [image.rows, image.columns];
    expect(shape).toEqual(expected?.shape);
    const bytes = new Uint8Array(image.values.buffer, image.values.byteOffset, image.values.byteLength);
    expect(image.values.reduce((a, b) => Math.min(a, b))).toBe(expected?.min);
    expect(image.values.reduce((a, b) => Math.max(a, b))).toBe(expected?.max);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected?.sha256);
  });

  it('reads patient, study, series and modality from the tags, and the window', () => {
    const ct = decode('CT_small.dcm');
    expect(ct.provenance).toMatchObject({ patientId: '1CT1', modality: 'CT' });
    expect(ct.provenance.studyId).toMatch(/^[0-9.]+$/);
    expect(ct.provenance.seriesId).toMatch(/^[0-9.]+$/);
    expect(ct.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(decode('MR_small.dcm').window).toEqual({ center: 600, width: 1600 });
    expect(ct.window).toBeUndefined();
  });

  it('maps to uint8 through the file window, else min..max, or the caller window', () => {
    const mr = decode('MR_small.dcm');
    const fromFile = dicomToUint8(mr);
    expect(fromFile.rule).toBe('file window');
    expect(fromFile.pixels).toHaveLength(64 * 64);
    const ct = dicomToUint8(decode('CT_small.dcm'));
    expect(ct.rule).toBe('min-max');
    expect(Math.min(...ct.pixels)).toBe(0);
    expect(Math.max(...ct.pixels)).toBe(255);
    const soft = dicomToUint8(decode('CT_small.dcm'), { center: 40, width: 400 });
    expect(soft.rule).toBe('caller window');
    expect(soft.pixels).not.toEqual(ct.pixels);
    expect(dicomToUint8(decode('SC_rgb_rle.dcm')).channels).toBe(3);
  });

  it('names the file and the problem for broken and undecodable files', () => {
    const truncated = thrown('MR_truncated.dcm');
    expect(truncated).toBeInstanceOf(DicomFormatError);
    expect((truncated as Error).message).toMatch(/^MR_truncated\.dcm: not a readable DICOM image: /);
    const badVr = thrown('badVR.dcm');
    expect(badVr).toBeInstanceOf(DicomFormatError);
    expect((badVr as Error).message).toMatch(
      /badVR\.dcm: .*NumberOfFrames \(0028,0008\) is "1A", not an integer string/,
    );
    const j2k = thrown('JPEG2000.dcm');
    expect(j2k).toBeInstanceOf(UnsupportedTransferSyntaxError);
    expect((j2k as Error).message).toMatch(
      /JPEG2000\.dcm: pixel data in transfer syntax 1\.2\.840\.10008\.1\.2\.4\.91 \(JPEG 2000 Image Compression\)/,
    );
    expect(thrown('JPEG-lossy.dcm')).toMatchObject({ transferSyntaxName: 'JPEG Extended (Process 2 & 4)' });
    expect(thrown('liver_1frame.dcm')).toBeInstanceOf(UnsupportedDicomImageError);
    expect(thrown('no_meta.dcm')).toBeInstanceOf(DicomFormatError);
  });
});

describe('dicomToUint8', () => {
  const grey = (values: number[], photometric: DicomImage['photometric'] = 'MONOCHROME2'): DicomImage => ({
    rows: 1,
    columns: values.length,
    samplesPerPixel: 1,
    photometric,
    values: Float64Array.from(values),
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    provenance: {},
  });

  it('applies the linear VOI window of PS3.3 C.11.2.1.2.1 and inverts MONOCHROME1', () => {
    // center 50, width 101: below 0 -> 0, above 100 -> 255, linear between.
    const window = { center: 50, width: 101 };
    expect(Array.from(dicomToUint8(grey([-10, 0, 49.5, 100, 200]), window).pixels)).toEqual([
      0, 1, 128, 255, 255,
    ]);
    expect(Array.from(dicomToUint8(grey([-10, 0, 49.5, 100, 200], 'MONOCHROME1'), window).pixels)).toEqual([
      255, 254, 127, 0, 0,
    ]);
    expect(Array.from(dicomToUint8(grey([10, 20, 30])).pixels)).toEqual([0, 128, 255]);
    expect(Array.from(dicomToUint8(grey([7, 7])).pixels)).toEqual([0, 0]);
  });
});

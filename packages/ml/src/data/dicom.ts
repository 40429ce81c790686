// DICOM images decoded as a radiology viewer shows them, for datasets of 2D images.
//
// Parsing is dicom-parser (cornerstone's DICOM Part 10 parser, pinned in package.json): chosen over
// dcmjs because it is small, has no dependencies, walks explicit and implicit VR, little and big endian
// and deflated data sets, and hands over encapsulated fragments; what it does not do (pixel decoding)
// is here: native pixel data of 8, 16 or 32 bits, signed or unsigned, in either byte order, and RLE
// Lossless (PS3.5 Annex G), grey or 8-bit RGB. Values then go through the modality rescale
// (slope/intercept) exactly as pydicom's apply_rescale does. dicomToUint8 maps them to the 0-255
// pixels a dataset stores, through a window (PS3.3 C.11.2.1.2.1, "LINEAR") and MONOCHROME1 inversion.
import dicomParser from 'dicom-parser';
import type { SampleAttributes, SampleProvenance } from '@medsweep/core';
import { DicomFormatError, UnsupportedDicomImageError, UnsupportedTransferSyntaxError } from '../errors.js';

const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
const DEFLATED_LITTLE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_BIG = '1.2.840.10008.1.2.2';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';

/** Syntaxes whose pixel data decodeDicom reads. */
const DECODED: Record<string, string> = {
  [IMPLICIT_LITTLE]: 'Implicit VR Little Endian',
  [EXPLICIT_LITTLE]: 'Explicit VR Little Endian',
  [DEFLATED_LITTLE]: 'Deflated Explicit VR Little Endian',
  [EXPLICIT_BIG]: 'Explicit VR Big Endian',
  [RLE_LOSSLESS]: 'RLE Lossless',
};

/** Compressed syntaxes by UID (PS3.6 Annex A), named in the error for a file in one of them. */
const NOT_DECODED: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70':
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless Image Compression',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Lossy (Near-Lossless) Image Compression',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component Image Compression',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
};

/** A VOI window: values within center ± width / 2 spread over the output range. */
export interface DicomWindow {
  center: number;
  width: number;
}

/** One decoded DICOM image. */
export interface DicomImage {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  photometric: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  /** Stored values after the modality rescale (slope/intercept), row-major, RGB interleaved. */
  values: Float64Array;
  /** The file's first WindowCenter/WindowWidth pair, when it has one. */
  window?: DicomWindow;
  transferSyntaxUid: string;
  /** PatientID, StudyInstanceUID, SeriesInstanceUID, Modality, and sex, age and device as attributes. */
  provenance: SampleProvenance;
}

/**
 * Decodes a single-frame DICOM image. `file` names it in errors: DicomFormatError for a file that is
 * not readable DICOM, UnsupportedTransferSyntaxError for compressed pixel data other than RLE, and
 * UnsupportedDicomImageError for an image kind a 2D dataset cannot hold.
 */
export function decodeDicom(bytes: Uint8Array, file: string): DicomImage {
  let dataSet: dicomParser.DataSet;
  try {
    // A Buffer lets the parser inflate deflated data sets with node's zlib.
    dataSet = dicomParser.parseDicom(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new DicomFormatError(file, `the parser stopped: ${parserMessage(error)}`, { cause: error });
  }
  const text = (tag: string) => dataSet.string(tag)?.trim() || undefined;
  const transferSyntaxUid = text('x00020010') ?? '';
  if (!(transferSyntaxUid in DECODED)) {
    throw new UnsupportedTransferSyntaxError(
      file,
      transferSyntaxUid,
      NOT_DECODED[transferSyntaxUid] ?? 'unknown transfer syntax',
      Object.entries(DECODED).map(([uid, name]) => `${uid} (${name})`),
    );
  }
  /** A US attribute (binary), or `fallback` when absent. */
  const unsigned = (tag: string, name: string, fallback?: number): number => {
    const value = dataSet.elements[tag] ? dataSet.uint16(tag) : fallback;
    if (value === undefined) throw new DicomFormatError(file, `${name} (${tagText(tag)}) is missing`);
    return value;
  };
  const decimal = (tag: string, name: string): number | undefined => {
    const raw = text(tag);
    if (raw === undefined) return undefined;
    const value = strictNumber(raw.split('\\')[0]);
    if (value === undefined)
      throw new DicomFormatError(file, `${name} (${tagText(tag)}) is ${JSON.stringify(raw)}, not a number`);
    return value;
  };

  const framesText = text('x00280008');
  const frames = framesText === undefined ? 1 : strictNumber(framesText);
  if (frames === undefined || !Number.isInteger(frames)) {
    throw new DicomFormatError(
      file,
      `NumberOfFrames (0028,0008) is ${JSON.stringify(framesText)}, not an integer string`,
    );
  }
  if (frames !== 1) {
    throw new UnsupportedDicomImageError(
      file,
      'NumberOfFrames (0028,0008)',
      String(frames),
      '1 (one 2D image per file)',
    );
  }
  if (dataSet.elements.x00283000) {
    throw new UnsupportedDicomImageError(
      file,
      'ModalityLUTSequence (0028,3000)',
      'present',
      'a rescale slope/intercept instead',
    );
  }
  const rows = unsigned('x00280010', 'Rows');
  const columns = unsigned('x00280011', 'Columns');
  const samplesPerPixel = unsigned('x00280002', 'SamplesPerPixel', 1);
  const bitsAllocated = unsigned('x00280100', 'BitsAllocated');
  const bitsStored = unsigned('x00280101', 'BitsStored', bitsAllocated);
  const signed = unsigned('x00280103', 'PixelRepresentation', 0) === 1;
  const photometric = text('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');
  if (!(photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2' || photometric === 'RGB')) {
    throw new UnsupportedDicomImageError(
      file,
      'PhotometricInterpretation (0028,0004)',
      photometric,
      'MONOCHROME1, MONOCHROME2, RGB',
    );
  }
  if (
    (photometric === 'RGB') !== (samplesPerPixel === 3) ||
    (samplesPerPixel !== 1 && samplesPerPixel !== 3)
  ) {
    throw new UnsupportedDicomImageError(
      file,
      'SamplesPerPixel (0028,0002)',
      String(samplesPerPixel),
      `1 for MONOCHROME1/2, 3 for RGB`,
    );
  }
  const bitsAccepted = photometric === 'RGB' ? [8] : [8, 16, 32];
  if (!bitsAccepted.includes(bitsAllocated) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new UnsupportedDicomImageError(
      file,
      'BitsAllocated/BitsStored (0028,0100)/(0028,0101)',
      `${bitsAllocated}/${bitsStored}`,
      `${bitsAccepted.join(', ')} bits allocated for ${photometric}, at least as many as stored`,
    );
  }
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) throw new DicomFormatError(file, 'PixelData (7FE0,0010) is missing');

  const layout: PixelLayout = {
    count: rows * columns * samplesPerPixel,
    samplesPerPixel,
    bytesPerSample: bitsAllocated / 8,
    planar: samplesPerPixel === 3 && unsigned('x00280006', 'PlanarConfiguration', 0) === 1,
  };
  const raw =
    transferSyntaxUid === RLE_LOSSLESS
      ? rleSamples(encapsulatedFrame(dataSet, pixelData, file), layout, file)
      : nativeSamples(dataSet, pixelData, layout, transferSyntaxUid === EXPLICIT_BIG, file);

  const slope = decimal('x00281053', 'RescaleSlope');
  const intercept = decimal('x00281052', 'RescaleIntercept');
  const rescale = slope !== undefined && intercept !== undefined && photometric !== 'RGB';
  const values = new Float64Array(layout.count);
  const mask = 2 ** bitsStored;
  for (let i = 0; i < layout.count; i++) {
    // Bits above BitsStored are not part of the value; a signed value's sign is bit BitsStored - 1.
    let v = (raw[i] as number) % mask;
    if (signed && v >= mask / 2) v -= mask;
    values[i] = rescale ? v * (slope as number) + (intercept as number) : v;
  }
  const center = decimal('x00281050', 'WindowCenter');
  const width = decimal('x00281051', 'WindowWidth');
  return {
    rows,
    columns,
    samplesPerPixel,
    photometric,
    values,
    ...(center !== undefined && width !== undefined && width >= 1 ? { window: { center, width } } : {}),
    transferSyntaxUid,
    provenance: provenanceOf(text),
  };
}

/**
 * The image as uint8 pixels (HWC; 1 channel for grey, 3 for RGB) for a dataset. Grey values go through
 * a linear VOI window: the caller's if given, else the file's first WindowCenter/WindowWidth, else the
 * image's own min..max; MONOCHROME1 is then inverted so that high values are dark, as viewers show it.
 * RGB samples are stored as they are.
 */
export function dicomToUint8(
  image: DicomImage,
  window?: DicomWindow,
): { pixels: Uint8Array; channels: 1 | 3; rule: 'caller window' | 'file window' | 'min-max' } {
  const { values } = image;
  if (image.photometric === 'RGB') return { pixels: Uint8Array.from(values), channels: 3, rule: 'min-max' };
  const pixels = new Uint8Array(values.length);
  const chosen = window ?? image.window;
  const rule = window ? 'caller window' : image.window ? 'file window' : 'min-max';
  if (chosen) {
    const { center, width } = chosen;
    const low = center - 0.5 - (width - 1) / 2;
    const high = center - 0.5 + (width - 1) / 2;
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      pixels[i] =
        x <= low ? 0 : x > high ? 255 : Math.round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
    }
  } else {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
    const range = max - min;
    for (let i = 0; i < values.length; i++)
      pixels[i] = range === 0 ? 0 : Math.round((((values[i] as number) - min) / range) * 255);
  }
  if (image.photometric === 'MONOCHROME1')
    for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - (pixels[i] as number);
  return { pixels, channels: 1, rule };
}

interface PixelLayout {
  /** Samples in the frame: rows * columns * samplesPerPixel. */
  count: number;
  samplesPerPixel: 1 | 3;
  bytesPerSample: number;
  /** Colour stored plane by plane (RRR... GGG... BBB...) instead of interleaved. */
  planar: boolean;
}

/** Unsigned stored samples of native (uncompressed) pixel data, interleaved. */
function nativeSamples(
  dataSet: dicomParser.DataSet,
  element: dicomParser.Element,
  layout: PixelLayout,
  bigEndian: boolean,
  file: string,
): Uint32Array {
  const needed = layout.count * layout.bytesPerSample;
  const available = Math.min(element.length, dataSet.byteArray.length - element.dataOffset);
  if (element.encapsulatedPixelData || available < needed) {
    throw new DicomFormatError(
      file,
      `PixelData (7FE0,0010) holds ${available} bytes; ${layout.count} samples of ${layout.bytesPerSample * 8} bits need ${needed}`,
    );
  }
  // 8-bit samples in an OW element of a big-endian file are packed into byte-swapped 16-bit words.
  const swappedBytes = bigEndian && layout.bytesPerSample === 1 && element.vr === 'OW';
  const view = new DataView(
    dataSet.byteArray.buffer,
    dataSet.byteArray.byteOffset + element.dataOffset,
    Math.min(available, needed + (needed % 2)),
  );
  const samples = new Uint32Array(layout.count);
  for (let i = 0; i < layout.count; i++) {
    const at = i * layout.bytesPerSample;
    samples[interleavedIndex(i, layout)] =
      layout.bytesPerSample === 1
        ? view.getUint8(swappedBytes ? at ^ 1 : at)
        : layout.bytesPerSample === 2
          ? view.getUint16(at, !bigEndian)
          : view.getUint32(at, !bigEndian);
  }
  return samples;
}

/** Position in interleaved order of the i-th stored sample (differs only for planar colour). */
function interleavedIndex(i: number, layout: PixelLayout): number {
  if (!layout.planar) return i;
  const pixels = layout.count / layout.samplesPerPixel;
  return (i % pixels) * layout.samplesPerPixel + Math.floor(i / pixels);
}

/** The bytes of the single frame of encapsulated pixel data (all its fragments). */
function encapsulatedFrame(
  dataSet: dicomParser.DataSet,
  element: dicomParser.Element,
  file: string,
): Uint8Array {
  const fragments = element.fragments ?? [];
  if (!element.encapsulatedPixelData || fragments.length === 0) {
    throw new DicomFormatError(file, 'RLE Lossless pixel data is not encapsulated in fragments');
  }
  try {
    return dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, element, 0, fragments.length);
  } catch (error) {
    throw new DicomFormatError(file, `cannot read the RLE fragments: ${parserMessage(error)}`, {
      cause: error,
    });
  }
}

/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits-coded segment
 * per byte plane, colour component first, most significant byte first.
 */
function rleSamples(frame: Uint8Array, layout: PixelLayout, file: string): Uint32Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = frame.length >= 64 ? view.getUint32(0, true) : 0;
  const expected = layout.samplesPerPixel * layout.bytesPerSample;
  if (segments !== expected) {
    throw new DicomFormatError(
      file,
      `RLE frame has ${segments} segments; ${expected} expected for this image`,
    );
  }
  const pixels = layout.count / layout.samplesPerPixel;
  const samples = new Uint32Array(layout.count);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const plane = unpackBits(frame, start, end, pixels, file, s);
    const component = Math.floor(s / layout.bytesPerSample);
    const shift = 8 * (layout.bytesPerSample - 1 - (s % layout.bytesPerSample));
    for (let p = 0; p < pixels; p++) {
      const at = p * layout.samplesPerPixel + component;
      samples[at] = ((samples[at] as number) + (plane[p] as number) * 2 ** shift) >>> 0;
    }
  }
  return samples;
}

/** One PackBits segment: a header byte n copies n + 1 literal bytes (n >= 0) or repeats the next 1 - n times. */
function unpackBits(
  frame: Uint8Array,
  start: number,
  end: number,
  size: number,
  file: string,
  segment: number,
): Uint8Array {
  const out = new Uint8Array(size);
  let o = 0;
  let i = start;
  while (i < end && o < size) {
    const header = ((frame[i++] as number) << 24) >> 24;
    if (header >= 0) {
      const n = Math.min(header + 1, size - o, end - i);
      out.set(frame.subarray(i, i + n), o);
      i += header + 1;
      o += n;
    } else if (header > -128) {
      out.fill(frame[i++] as number, o, Math.min(size, o + 1 - header));
      o = Math.min(size, o + 1 - header);
    }
  }
  if (o < size)
    throw new DicomFormatError(file, `RLE segment ${segment} decodes to ${o} bytes; ${size} expected`);
  return out;
}

function provenanceOf(text: (tag: string) => string | undefined): SampleProvenance {
  const attributes: Record<string, string> = {};
  for (const [name, tag] of [
    ['sex', 'x00100040'],
    ['age', 'x00101010'],
    ['device', 'x00081090'],
  ] as const) {
    const value = text(tag);
    if (value !== undefined) attributes[name] = value;
  }
  const provenance: SampleProvenance = {};
  for (const [field, tag] of [
    ['patientId', 'x00100020'],
    ['studyId', 'x0020000d'],
    ['seriesId', 'x0020000e'],
    ['modality', 'x00080060'],
  ] as const) {
    const value = text(tag);
    if (value !== undefined) provenance[field] = value;
  }
  return Object.keys(attributes).length > 0
    ? { ...provenance, attributes: attributes as SampleAttributes }
    : provenance;
}

/** A decimal or integer string as DICOM writes it (IS, DS), or undefined when it is not one. */
function strictNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)) return undefined;
  return Number(raw);
}

const tagText = (tag: string): string => `${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()}`;

function parserMessage(error: unknown): string {
  const inner = (error as { exception?: unknown } | null)?.exception ?? error;
  return inner instanceof Error ? inner.message : String(inner);
}

// One decoder for the image files of a dataset (folders and manifests): PNG, JPEG, BMP and GIF through
// TensorFlow's native decoders, DICOM through decodeDicom and its window, then converted to the
// dataset's one size and channel count (fixed by the first image unless the caller sets them).
import type * as tfjs from '@tensorflow/tfjs';
import type { SampleProvenance } from '@medsweep/core';
import type { Tf } from '../backend.js';
import { ImageDecoderUnavailableError, UnreadableImageError } from '../errors.js';
import type { DicomWindow } from './dicom.js';
import { decodeDicom, dicomToUint8 } from './dicom.js';

/** Image files a folder or manifest may name; DICOM is also recognised by its DICM prefix. */
export const IMAGE_FILE = /\.(png|jpe?g|bmp|gif|dcm)$/i;

export interface ImageFormat {
  height: number;
  width: number;
  channels: 1 | 3;
}

export interface ImageDecodeArgs {
  /** The native backend's tfjs namespace (selectBackend().tf): PNG/JPEG decoding and resizing. */
  tf: Tf;
  /** Resize every image to this size (bilinear). Without it, all images must share one size. */
  size?: { height: number; width: number };
  /** 1 (grey) or 3 (RGB); defaults to that of the first image (grey stays grey). */
  channels?: 1 | 3;
  /** Window for DICOM grey values; default the file's own, else the image's min..max (dicomToUint8). */
  dicomWindow?: DicomWindow;
}

type TfNodeDecode = (
  content: Uint8Array,
  channels?: number,
  dtype?: string,
  expandAnimations?: boolean,
) => tfjs.Tensor;

/** Builds the error for an image whose size differs from the dataset's (the caller names the layout). */
export type SizeMismatch = (file: string, received: string, expected: string, row?: number) => Error;

/** Decodes a dataset's image files one by one into uint8 HWC pixels of one format. */
export class ImageDecoder {
  /** The dataset's format: the caller's size and channels, else the first image's. */
  format: ImageFormat | undefined;
  private readonly decodeImage: TfNodeDecode;

  constructor(
    private readonly args: ImageDecodeArgs,
    private readonly sizeMismatch: SizeMismatch,
  ) {
    const decode = (args.tf as unknown as { node?: { decodeImage?: TfNodeDecode } }).node?.decodeImage;
    if (!decode) throw new ImageDecoderUnavailableError(args.tf.getBackend());
    this.decodeImage = decode;
  }

  /**
   * The pixels of one file in the dataset's format, and for DICOM what its tags say about the sample.
   * `row` is the manifest row naming the file, for errors.
   */
  decode(
    bytes: Uint8Array,
    file: string,
    row?: number,
  ): { pixels: Uint8Array; provenance?: SampleProvenance } {
    if (isDicom(bytes, file)) {
      const image = decodeDicom(bytes, file);
      const { pixels, channels } = dicomToUint8(image, this.args.dicomWindow);
      const { tf } = this.args;
      const tensor = tf.tensor3d(pixels, [image.rows, image.columns, channels], 'int32');
      try {
        return { pixels: this.conform(tensor, file, row), provenance: image.provenance };
      } finally {
        tensor.dispose();
      }
    }
    let decoded: tfjs.Tensor;
    try {
      // Channels 0 keeps the file's own; later files are converted to the dataset's count by TensorFlow.
      decoded = this.decodeImage(bytes, this.format?.channels ?? this.args.channels ?? 0, 'int32', false);
    } catch (error) {
      throw new UnreadableImageError(file, { cause: error, ...(row === undefined ? {} : { row }) });
    }
    try {
      return { pixels: this.conform(decoded as tfjs.Tensor3D, file, row) };
    } finally {
      decoded.dispose();
    }
  }

  /** HWC int32 image -> uint8 pixels of the dataset's format (alpha dropped, channels converted, resized). */
  private conform(image: tfjs.Tensor3D, file: string, row: number | undefined): Uint8Array {
    const { tf, size } = this.args;
    const [height = 0, width = 0, stored = 0] = image.shape;
    const channels: 1 | 3 = this.format?.channels ?? this.args.channels ?? (stored <= 2 ? 1 : 3);
    const target = (this.format ??= {
      height: size?.height ?? height,
      width: size?.width ?? width,
      channels,
    });
    if (!size && (height !== target.height || width !== target.width)) {
      throw this.sizeMismatch(file, `${height}x${width}`, `${target.height}x${target.width}`, row);
    }
    // The common case (already the dataset's size and channels): one copy out of the tensor.
    if (stored === channels && height === target.height && width === target.width) {
      return Uint8Array.from(image.dataSync());
    }
    const data = tf.tidy(() => {
      // Drops an alpha channel: grey+alpha keeps grey, RGBA keeps RGB. Float before round():
      // tfjs-node 4.22's Round kernel returns zeros for int32 input.
      let x = image.toFloat() as tfjs.Tensor3D;
      if (stored === 1 && channels === 3) x = tf.image.grayscaleToRGB(x);
      else if (stored >= 3 && channels === 1)
        x = tf.image.rgbToGrayscale(x.slice([0, 0, 0], [height, width, 3]));
      else x = x.slice([0, 0, 0], [height, width, channels]);
      if (height !== target.height || width !== target.width) {
        x = tf.image.resizeBilinear(x, [target.height, target.width], false, true);
      }
      return x.round().clipByValue(0, 255).dataSync();
    });
    return Uint8Array.from(data);
  }
}

/** DICOM by extension, or by the "DICM" prefix after the 128-byte preamble. */
function isDicom(bytes: Uint8Array, file: string): boolean {
  if (/\.dcm$/i.test(file)) return true;
  return (
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

// Input pieces of the upload procedures (weights and datasets): declared blobs, the part size a caller
// may ask for, and a blob as reported uploaded (with its parts' ETags when it went in parts).
import { z } from 'zod';
import { MAX_BLOB_BYTES, PART_BYTES } from '../services/staged-upload.js';
import { MAX_PARTS, MIN_PART_BYTES } from '@medsweep/storage';

export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 as 64 lowercase hex digits');

export const blobBytes = z
  .number()
  .int('must be a whole number of bytes')
  .min(0, 'must not be negative')
  .max(MAX_BLOB_BYTES, `must be at most ${MAX_BLOB_BYTES} bytes (5 GiB, what one S3 copy moves)`);

/** Part size of multipart uploads (S3: every part but the last at least 5 MiB); blobs up to it go in one PUT. */
export const partBytes = z
  .number()
  .int('must be a whole number of bytes')
  .min(MIN_PART_BYTES, `must be at least ${MIN_PART_BYTES} bytes (S3's 5 MiB part minimum)`)
  .max(MAX_BLOB_BYTES, `must be at most ${MAX_BLOB_BYTES} bytes`)
  .default(PART_BYTES);

/** A multipart upload as the caller finished it: its id and each part's number and ETag. */
export const multipartCompletion = z.strictObject({
  multipartId: z.string().min(1).max(1024),
  parts: z
    .array(
      z.strictObject({
        partNumber: z.number().int().min(1).max(MAX_PARTS),
        etag: z.string().min(1).max(128),
      }),
    )
    .min(1)
    .max(MAX_PARTS),
});

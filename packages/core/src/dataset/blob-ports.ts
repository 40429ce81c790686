// The ports through which stored dataset records are written and read; the adapters (a local directory,
// S3 behind a cache) live in the packages that do I/O.

/**
 * Where dataset blobs are written. Names are content-derived (see dataset-manifest.ts), so writing
 * a name that already exists may be skipped: its bytes are the same.
 */
export interface BlobSink {
  put(name: string, bytes: Uint8Array): Promise<void>;
}

/**
 * Where dataset blobs are read from. get() must return bytes whose sha256 equals `sha256`, else
 * throw an integrity error; an absent blob throws a not-found error (@medsweep/ml's BlobIntegrityError and
 * BlobNotFoundError for a local directory). The worker backs this with S3
 * plus a local cache; LocalDirectoryBlobStore serves tests and the CLI.
 */
export interface BlobSource {
  get(name: string, sha256: string): Promise<Uint8Array>;
}

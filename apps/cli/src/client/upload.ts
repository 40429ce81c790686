// What the CLI uploads through the API's presigned URLs: files read from disk part by part (hashed as a
// stream, never read whole), and a progress line per part for large uploads, on stderr so that --json
// output stays the last line of stdout.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { UploadBody, UploadProgress } from '@medsweep/storage';

/** A file on disk as an upload body, with its sha256 (read once, as a stream). */
export async function fileBody(path: string): Promise<UploadBody & { sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return {
    sha256: hash.digest('hex'),
    bytes: (await stat(path)).size,
    read: async (start, end) => {
      const file = await open(path, 'r');
      try {
        const bytes = new Uint8Array(end - start);
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesRead } = await file.read(bytes, offset, bytes.length - offset, start + offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
        }
        return bytes.subarray(0, offset);
      } finally {
        await file.close();
      }
    },
  };
}

/** Uploads from this size on report progress. */
const REPORTED_BYTES = 16 * 1024 * 1024;

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** Prints `uploading <what>: part 2/5, 128.0 of 300.0 MiB` to stderr for large uploads. */
export const progressLine =
  (describe: (name: string) => string) =>
  ({ name, sentBytes, totalBytes, part }: UploadProgress): void => {
    if (totalBytes < REPORTED_BYTES) return;
    const parts = part ? `part ${part.number}/${part.of}, ` : '';
    process.stderr.write(
      `uploading ${describe(name)}: ${parts}${mib(sentBytes)} of ${mib(totalBytes)} MiB\n`,
    );
  };

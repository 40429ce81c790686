// The uploader's side of presigned uploads: how the API says each blob is to be sent (not at all, one
// PUT, or a multipart upload of fixed-size parts), and sending one blob that way from any body that can
// read a byte range (a file on disk, read part by part, or bytes in memory), with progress per part.
import { UploadRejectedError } from './errors.js';
import type { UploadedPart } from './object-store.js';

/** How one blob is to be uploaded, as the API plans it. */
export type BlobUploadPlan =
  | { name: string; method: 'stored' }
  | { name: string; method: 'put'; url: string }
  | {
      name: string;
      method: 'multipart';
      multipartId: string;
      /** Every part is this size but the last, which holds the rest. */
      partBytes: number;
      parts: { partNumber: number; url: string }[];
    };

/** What is uploaded: its size and its bytes by range (end exclusive). */
export interface UploadBody {
  bytes: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** An upload body over bytes in memory. */
export const bytesBody = (bytes: Uint8Array): UploadBody => ({
  bytes: bytes.byteLength,
  read: async (start, end) => bytes.subarray(start, end),
});

/** Sent so far of one blob, reported after each request. */
export interface UploadProgress {
  name: string;
  sentBytes: number;
  totalBytes: number;
  /** For a multipart upload: the part just sent and how many there are. */
  part?: { number: number; of: number };
}

async function putBytes(url: string, bytes: Uint8Array, name: string, partNumber: number | null) {
  // Node's fetch sends any Uint8Array; the DOM lib's BodyInit (the dashboard's typecheck) names only
  // ArrayBuffer-backed ones, and these never sit on a SharedArrayBuffer.
  const response = await fetch(url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> });
  if (!response.ok) throw new UploadRejectedError(name, partNumber, response.status, await response.text());
  return response.headers.get('etag') ?? '';
}

/**
 * Sends one blob as planned; for a multipart upload, part by part (one part in memory at a time), and
 * returns what completing it needs. Throws UploadRejectedError when the store refuses a request.
 */
export async function sendPlannedBlob(
  plan: BlobUploadPlan,
  body: UploadBody,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<{ multipart?: { multipartId: string; parts: UploadedPart[] } }> {
  switch (plan.method) {
    case 'stored':
      return {};
    case 'put':
      await putBytes(plan.url, await body.read(0, body.bytes), plan.name, null);
      onProgress({ name: plan.name, sentBytes: body.bytes, totalBytes: body.bytes });
      return {};
    case 'multipart': {
      const parts: UploadedPart[] = [];
      for (const { partNumber, url } of plan.parts) {
        const start = (partNumber - 1) * plan.partBytes;
        const end = Math.min(start + plan.partBytes, body.bytes);
        const etag = await putBytes(url, await body.read(start, end), plan.name, partNumber);
        parts.push({ partNumber, etag });
        onProgress({
          name: plan.name,
          sentBytes: end,
          totalBytes: body.bytes,
          part: { number: partNumber, of: plan.parts.length },
        });
      }
      return { multipart: { multipartId: plan.multipartId, parts } };
    }
  }
}

/** A blob as the uploader reports it sent: what the API's completion needs. */
export interface SentBlob {
  name: string;
  sha256: string;
  multipart?: { multipartId: string; parts: UploadedPart[] };
}

/**
 * Sends every planned blob, one after another, from `bodies` (by blob name, each with its sha256) and
 * returns the list the API completes the upload with, in plan order.
 */
export async function sendPlannedUpload(
  plans: readonly BlobUploadPlan[],
  bodies: ReadonlyMap<string, UploadBody & { sha256: string }>,
  onProgress?: (progress: UploadProgress) => void,
): Promise<SentBlob[]> {
  const sent: SentBlob[] = [];
  for (const plan of plans) {
    const body = bodies.get(plan.name);
    if (!body) throw new RangeError(`the upload plan names blob ${plan.name}, which was not declared`);
    sent.push({ name: plan.name, sha256: body.sha256, ...(await sendPlannedBlob(plan, body, onProgress)) });
  }
  return sent;
}

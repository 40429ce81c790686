export {
  MAX_PARTS,
  MIN_PART_BYTES,
  ObjectStore,
  STAGED_UPLOAD_DAYS,
  STAGED_UPLOADS_PREFIX,
} from './object-store.js';
export type { PresignGetArgs, S3Settings, StoredObject, UploadedPart } from './object-store.js';
export { DATASET_BLOBS_PREFIX, ObjectBlobStore } from './blob-store.js';
export { ContentCache } from './content-cache.js';
export type { CachedFile } from './content-cache.js';
export {
  AnchorBucketNotLockedError,
  CacheDiskFullError,
  ForeignObjectUriError,
  LinkLifetimeError,
  MultipartUploadRefusedError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnreachableError,
  UploadRejectedError,
} from './errors.js';
export { bytesBody, sendPlannedBlob, sendPlannedUpload } from './presigned-upload.js';
export type { BlobUploadPlan, SentBlob, UploadBody, UploadProgress } from './presigned-upload.js';
export { AUDIT_ANCHOR_PREFIX, auditAnchorPrefix, AuditAnchorStore } from './audit-anchors.js';
export type { AnchorListing, AnchorSettings, StoredAnchor } from './audit-anchors.js';

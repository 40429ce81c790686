export { ObjectStore } from './object-store.js';
export type { PresignGetArgs, S3Settings, StoredObject } from './object-store.js';
export { DATASET_BLOBS_PREFIX, ObjectBlobStore } from './blob-store.js';
export { ContentCache } from './content-cache.js';
export type { CachedFile } from './content-cache.js';
export {
  AnchorBucketNotLockedError,
  CacheDiskFullError,
  ForeignObjectUriError,
  LinkLifetimeError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnreachableError,
} from './errors.js';
export { AUDIT_ANCHOR_PREFIX, auditAnchorPrefix, AuditAnchorStore } from './audit-anchors.js';
export type { AnchorListing, AnchorSettings, StoredAnchor } from './audit-anchors.js';

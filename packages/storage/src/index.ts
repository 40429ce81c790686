export { ObjectStore, sha256Hex } from './object-store.js';
export type { S3Settings, StoredObject } from './object-store.js';
export { ObjectIntegrityError, S3AccessDeniedError, S3UnreachableError } from './errors.js';

// Password hashing with argon2id (memory-hard), through @node-rs/argon2's prebuilt binary. The PHC string
// stores its own parameters, so raising them later still verifies existing hashes.
import { hash, verify } from '@node-rs/argon2';

/** Algorithm.Argon2id of @node-rs/argon2 (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

/** OWASP's first argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Checks a password against a stored hash. Without a hash (unknown user) it verifies against a dummy one,
 * so an unknown email costs as much time as a wrong password and the two cannot be told apart.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  const ok = await verify(storedHash ?? (await dummyHash()), password).catch(() => false);
  return storedHash !== null && ok;
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword('no user has this password');
  return dummy;
}

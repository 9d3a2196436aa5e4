import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

// The package declares `Algorithm` as an ambient const enum, which verbatimModuleSyntax cannot
// read; 2 is its `Argon2id` member (the PHC string of each hash shows `$argon2id$`).
const ARGON2ID = 2 as Algorithm;

/**
 * OWASP's first argon2id configuration (m = 19 MiB, t = 2, p = 1): about as strong as the
 * larger ones, and light enough that a burst of logins does not exhaust the hub's memory.
 */
const argon2Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a password with argon2id; the PHC string carries its own salt and parameters. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

/**
 * Whether `password` matches `hash`. A hash that is not an argon2 PHC string (a corrupt row,
 * a placeholder) is simply a mismatch, never an exception the login route has to catch.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * Whether `hash` was made with weaker or different parameters than today's, so the caller
 * should store a fresh `hashPassword()` after a successful login. Unreadable hashes say yes.
 */
export function passwordNeedsRehash(hash: string): boolean {
  try {
    const used = parseOptions(hash);
    return (
      used.algorithm !== argon2Options.algorithm ||
      used.memoryCost !== argon2Options.memoryCost ||
      used.timeCost !== argon2Options.timeCost ||
      used.parallelism !== argon2Options.parallelism
    );
  } catch {
    return true;
  }
}

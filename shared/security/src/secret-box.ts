import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts short secrets at rest (MFA secrets, channel credentials). */
export interface SecretBox {
  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a fresh random IV every time. */
  seal(plaintext: string): string;
  /** The plaintext; throws when the value was altered or sealed with another key. */
  open(sealed: string): string;
}

/**
 * AES-256-GCM with `deriveKeys(secretKey).encryptionKey`. The version prefix leaves room to
 * change algorithm or key later while old values stay readable.
 */
export function createSecretBox(encryptionKey: Buffer): SecretBox {
  if (encryptionKey.byteLength !== 32) throw new RangeError('the secret-box key must be exactly 32 bytes (AES-256)');
  const key = Buffer.from(encryptionKey);

  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },

    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new Error('could not open the sealed secret: it is not in the v1.<iv>.<tag>.<ciphertext> format');
      }
      const [, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
      if (iv?.byteLength !== IV_BYTES || tag?.byteLength !== TAG_BYTES || ciphertext === undefined) {
        throw new Error('could not open the sealed secret: its IV or tag has the wrong length');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new Error('could not open the sealed secret: it was altered, or sealed with another SECRET_KEY', { cause: error });
      }
    },
  };
}

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { ValueTransformer } from 'typeorm';

/**
 * Encryption at rest for personal data (R-SC-1): phones, addresses, ID numbers and the text of
 * chat messages. AES-256-GCM with a random IV per value; a keyed hash (HMAC-SHA256) where a
 * column must be searchable (a customer's phone). Both keys are derived from DATA_KEY.
 *
 * Column transformers are attached to entity classes when they are declared, before any
 * configuration is read, so the key is installed here once at start (`installDataKey`).
 */

const FORMAT = 'g1:';
let encryptionKey: Buffer | undefined;
let lookupKey: Buffer | undefined;

export function installDataKey(base64Key: string): void {
  const master = Buffer.from(base64Key, 'base64');
  if (master.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
  encryptionKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'personal-data-encryption', 32));
  lookupKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'personal-data-lookup', 32));
}

function keys(): { encryption: Buffer; lookup: Buffer } {
  if (!encryptionKey || !lookupKey) throw new Error('personal-data key not installed (installDataKey)');
  return { encryption: encryptionKey, lookup: lookupKey };
}

export function sealText(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys().encryption, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openText(sealed: string): string {
  if (!sealed.startsWith(FORMAT)) throw new Error('value is not in the encrypted format');
  const raw = Buffer.from(sealed.slice(FORMAT.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keys().encryption, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Binary files (evidence photos): same scheme, base64 out. */
export function sealBytes(plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys().encryption, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openBytes(sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keys().encryption, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/** Keyed hash for equality lookups on an encrypted field; normalise the value before hashing. */
export function lookupHash(value: string): string {
  return createHmac('sha256', keys().lookup).update(value, 'utf8').digest('hex');
}

/** Transparent encryption of a nullable text column. */
export const encrypted: ValueTransformer = {
  to: (value: string | null | undefined) => (value === null || value === undefined ? value : sealText(value)),
  from: (value: string | null | undefined) => (value === null || value === undefined ? value : openText(value)),
};

/** Same, for a JSON value (event payloads, outbound message bodies). */
export const encryptedJson: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? value : sealText(JSON.stringify(value))),
  from: (value: string | null | undefined) => (value === null || value === undefined ? value : JSON.parse(openText(value))),
};

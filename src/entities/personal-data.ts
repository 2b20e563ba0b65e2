import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { freshRandomBytes } from '../lib/random-bytes';
import type { ValueTransformer } from 'typeorm';

/**
 * Encryption at rest for personal data (R-SC-1): phones, addresses, ID numbers and the text of
 * chat messages. AES-256-GCM with a random IV per value; a keyed hash (HMAC-SHA256) where a
 * column must be searchable (a customer's phone). Both keys are derived from DATA_KEY.
 *
 * Column transformers are attached to entity classes when they are declared, before any
 * configuration is read, so the key is installed here once at start (`installDataKey`).
 */

/**
 * Formats, by prefix. `g2:` (every write): AES-256-GCM, 12-byte IV, 16-byte tag set explicitly on
 * both sides (Node would otherwise accept a truncated tag), and the value bound to its place by
 * the additional authenticated data `table.column`: a ciphertext copied into another column or
 * table fails to decrypt instead of showing, say, a customer's address as a lead's need.
 * `g1:` (rows written before it): the same without AAD; still read, and rewritten as `g2:` by
 * migration 1764892800000. Evidence files had no prefix at all and are `g2:` now too.
 */
const FORMAT_V1 = 'g1:';
const FORMAT = 'g2:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
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

/** Where a value lives: the additional authenticated data it is sealed with. */
export function placeOf(table: string, column: string, row?: number): string {
  return row === undefined ? `${table}.${column}` : `${table}.${column}#${row}`;
}

function seal(plain: Buffer, aad: string | undefined): Buffer {
  const iv = freshRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys().encryption, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(raw: Buffer, aad: string | undefined): Buffer {
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted value too short');
  const decipher = createDecipheriv('aes-256-gcm', keys().encryption, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Seals text for one place (`placeOf(table, column)`). */
export function sealText(plain: string, place: string): string {
  return FORMAT + seal(Buffer.from(plain, 'utf8'), place).toString('base64');
}

/** Opens a value read from `place`; a `g2:` value sealed for another place throws. */
export function openText(sealed: string, place: string): string {
  if (sealed.startsWith(FORMAT)) return open(Buffer.from(sealed.slice(FORMAT.length), 'base64'), place).toString('utf8');
  if (sealed.startsWith(FORMAT_V1)) return open(Buffer.from(sealed.slice(FORMAT_V1.length), 'base64'), undefined).toString('utf8');
  throw new Error('value is not in the encrypted format');
}

/** The legacy format, for the migration's way down only (an older release reads nothing else). */
export function sealTextLegacy(plain: string): string {
  return FORMAT_V1 + seal(Buffer.from(plain, 'utf8'), undefined).toString('base64');
}

/** Binary files (evidence photos): same scheme, bound to their place and record (`placeOf(…, id)`). */
export function sealBytes(plain: Buffer, place: string): string {
  return FORMAT + seal(plain, place).toString('base64');
}

/** Opens a file; one without a prefix is from before the `g2:` format (no AAD). */
export function openBytes(sealed: string, place: string): Buffer {
  if (sealed.startsWith(FORMAT)) return open(Buffer.from(sealed.slice(FORMAT.length), 'base64'), place);
  return open(Buffer.from(sealed, 'base64'), undefined);
}

/** The evidence files' legacy format (no prefix, no AAD), for the migration's way down. */
export function sealBytesLegacy(plain: Buffer): string {
  return seal(plain, undefined).toString('base64');
}

/** Keyed hash for equality lookups on an encrypted field; normalise the value before hashing. */
export function lookupHash(value: string): string {
  return createHmac('sha256', keys().lookup).update(value, 'utf8').digest('hex');
}

/** Transparent encryption of a nullable text column; `place()` is resolved on first use. */
export function encryptedAt(place: () => string): ValueTransformer {
  return {
    to: (value: string | null | undefined) => (value === null || value === undefined ? value : sealText(value, place())),
    from: (value: string | null | undefined) => (value === null || value === undefined ? value : openText(value, place())),
  };
}

/** Same, for a JSON value (event payloads, outbound message bodies). */
export function encryptedJsonAt(place: () => string): ValueTransformer {
  return {
    to: (value: unknown) => (value === null || value === undefined ? value : sealText(JSON.stringify(value), place())),
    from: (value: string | null | undefined) => (value === null || value === undefined ? value : JSON.parse(openText(value, place()))),
  };
}

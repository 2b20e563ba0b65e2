import { createDecipheriv, timingSafeEqual } from 'node:crypto';
import { freshRandomBytes } from '../lib/random-bytes';
import { encrypt as wecomEncrypt, getSignature } from '@wecom/crypto';

/**
 * The WeChat/WeCom message crypto (PROTOCOL.md §1), shared by the OA safe mode and WeCom.
 * @wecom/crypto computes signatures and encrypts; decryption is ours because its decrypt does not
 * check the padding, the length field or the receive id (PROTOCOL.md §7).
 */

/** Official error codes, kept so log lines can be matched against the platform docs. */
export type CryptoFailure =
  | 'signature' // -40001
  | 'aes_key' // -40004
  | 'receive_id' // -40005
  | 'decrypt' // -40007
  | 'buffer' // -40008
  | 'base64'; // -40010

export class CryptoError extends Error {
  constructor(readonly failure: CryptoFailure, detail: string) {
    super(detail);
    this.name = 'CryptoError';
  }
}

const BLOCK = 32;
const HEADER = 16 + 4;

export function signature(token: string, timestamp: string, nonce: string, encrypted = ''): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

/** Constant-time comparison of a received signature with the one we compute. */
export function signatureMatches(expected: string, received: string | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class MessageCrypto {
  private readonly key: Buffer;

  constructor(private readonly token: string, private readonly encodingAesKey: string, readonly receiveId: string) {
    this.key = Buffer.from(encodingAesKey + '=', 'base64');
    if (encodingAesKey.length !== 43 || this.key.length !== 32) {
      throw new CryptoError('aes_key', 'EncodingAESKey must be 43 characters decoding to 32 bytes');
    }
  }

  sign(timestamp: string, nonce: string, encrypted: string): string {
    return signature(this.token, timestamp, nonce, encrypted);
  }

  verify(msgSignature: string | undefined, timestamp: string, nonce: string, encrypted: string): void {
    if (!signatureMatches(this.sign(timestamp, nonce, encrypted), msgSignature)) {
      throw new CryptoError('signature', 'msg_signature does not match');
    }
  }

  /** Decrypts a frame and checks padding, length and that it was meant for us. */
  decrypt(encrypted: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || encrypted.length % 4 !== 0) {
      throw new CryptoError('base64', 'ciphertext is not base64');
    }
    const cipherText = Buffer.from(encrypted, 'base64');
    if (cipherText.length === 0 || cipherText.length % BLOCK !== 0) {
      throw new CryptoError('decrypt', 'ciphertext is not a whole number of 32-byte blocks');
    }
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(cipherText), decipher.final()]);
    } catch {
      throw new CryptoError('decrypt', 'AES decryption failed');
    }
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > BLOCK || plain.subarray(plain.length - pad).some((byte) => byte !== pad)) {
      throw new CryptoError('decrypt', 'bad PKCS#7 padding (wrong EncodingAESKey?)');
    }
    const frame = plain.subarray(0, plain.length - pad);
    if (frame.length < HEADER) throw new CryptoError('buffer', 'frame shorter than its header');
    const messageLength = frame.readUInt32BE(16);
    if (HEADER + messageLength > frame.length) throw new CryptoError('buffer', 'length field exceeds the frame');
    const receiveId = frame.subarray(HEADER + messageLength).toString('utf8');
    if (receiveId !== this.receiveId) {
      throw new CryptoError('receive_id', 'frame is addressed to another appid/corpid');
    }
    return frame.subarray(HEADER, HEADER + messageLength).toString('utf8');
  }

  encrypt(message: string, random: Buffer = freshRandomBytes(16)): string {
    return wecomEncrypt(this.encodingAesKey, message, this.receiveId, random);
  }

  /** The encrypted passive-reply envelope (PROTOCOL.md §1). */
  envelope(plainReply: string, timestamp: string, nonce: string, random?: Buffer): string {
    const encrypted = this.encrypt(plainReply, random);
    return (
      '<xml>\n' +
      `<Encrypt><![CDATA[${encrypted}]]></Encrypt>\n` +
      `<MsgSignature><![CDATA[${this.sign(timestamp, nonce, encrypted)}]]></MsgSignature>\n` +
      `<TimeStamp>${timestamp}</TimeStamp>\n` +
      `<Nonce><![CDATA[${nonce}]]></Nonce>\n` +
      '</xml>'
    );
  }
}

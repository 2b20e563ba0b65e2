import { decrypt as libraryDecrypt, encrypt } from '@wecom/crypto';
import vectors from '../fixtures/wx-vectors.json';
import { CryptoError, MessageCrypto, signature } from '../../src/bot/crypto';
import { parseXml, textField } from '../../src/bot/xml';

/** Every public vector from the official samples (../shared/wx-vectors.json, copied into fixtures). */

type Vector = Record<string, any>;
const all = (vectors as { vectors: Vector[] }).vectors;
const ofKind = (kind: string) => all.filter((v) => v.kind === kind).map((v) => [v.id, v] as [string, Vector]);

describe('crypto against the official vectors', () => {
  it.each(ofKind('verify_url'))('%s: URL verification signature and echostr', (_id, v) => {
    const crypto = new MessageCrypto(v.token, v.encoding_aes_key, v.receive_id);
    expect(() => crypto.verify(v.msg_signature, v.timestamp, v.nonce, v.echostr)).not.toThrow();
    expect(crypto.decrypt(v.echostr)).toBe(v.expected_plaintext);
    if (v.echostr_urlencoded_as_received) expect(decodeURIComponent(v.echostr_urlencoded_as_received)).toBe(v.echostr);
    if (v.negative) expect(() => crypto.verify(v.msg_signature, v.timestamp, v.negative.nonce, v.echostr)).toThrow(CryptoError);
  });

  it.each(ofKind('decrypt_message'))('%s: POST body signature and decryption', (_id, v) => {
    const crypto = new MessageCrypto(v.token, v.encoding_aes_key, v.receive_id);
    const encrypted = textField(parseXml(v.post_body), 'Encrypt')!;
    crypto.verify(v.msg_signature, v.timestamp, v.nonce, encrypted);
    const plain = crypto.decrypt(encrypted);
    // every vector states what the plaintext is, or what it contains: one of the two is checked
    expect(v.expected_plaintext ?? v.expected_contains?.[0]).toBeDefined();
    if (v.expected_plaintext) expect(plain).toBe(v.expected_plaintext);
    for (const fragment of v.expected_contains ?? []) expect(plain).toContain(fragment);
    if (v.plain_signature) expect(signature(v.token, v.timestamp, v.nonce)).toBe(v.plain_signature);
    // our strict decrypt agrees with the library on every genuine frame
    expect(libraryDecrypt(v.encoding_aes_key, encrypted).message).toBe(plain);
  });

  it.each(ofKind('encrypt_reply'))('%s: byte-exact reply envelope', (_id, v) => {
    const crypto = new MessageCrypto(v.token, v.encoding_aes_key, v.receive_id);
    const envelope = crypto.envelope(v.plaintext, v.timestamp, v.nonce, Buffer.from(v.random));
    expect(envelope).toContain(`<Encrypt><![CDATA[${v.expected_encrypt}]]></Encrypt>`);
    expect(envelope).toContain(`<MsgSignature><![CDATA[${v.expected_msg_signature}]]></MsgSignature>`);
  });

  it.each(ofKind('encrypt_payload'))('%s: fixed-random encryption', (_id, v) => {
    const crypto = new MessageCrypto(v.token, v.encoding_aes_key, v.receive_id);
    expect(crypto.encrypt(v.plaintext, Buffer.from(v.random))).toBe(v.expected_encrypt);
    expect(crypto.decrypt(v.expected_encrypt)).toBe(v.plaintext);
  });

  it.each(ofKind('plain_signature'))('%s: OA 3-field signature', (_id, v) => {
    expect(signature(v.token, v.timestamp, v.nonce)).toBe(v.expected_signature);
  });

  it('leaves no vector unchecked: each one is of a kind a check above runs', () => {
    const checked = ['verify_url', 'decrypt_message', 'encrypt_reply', 'encrypt_payload', 'plain_signature'];
    expect(all.filter((v) => !checked.includes(v.kind)).map((v) => v.id)).toEqual([]);
  });
});

describe('strict decryption refuses what the library lets through', () => {
  const key = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
  const crypto = new MessageCrypto('QDG6eK', key, 'wx5823bf96d3bd56c7');
  const failureOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as CryptoError).failure;
    }
    return 'accepted';
  };

  it('a frame for another receive id', () => {
    expect(failureOf(() => crypto.decrypt(encrypt(key, '<xml/>', 'wx_other')))).toBe('receive_id');
  });

  it('32 zero bytes (bad padding)', () => {
    const { createCipheriv } = require('node:crypto');
    const raw = Buffer.from(key + '=', 'base64');
    const cipher = createCipheriv('aes-256-cbc', raw, raw.subarray(0, 16));
    cipher.setAutoPadding(false);
    const zeros = Buffer.concat([cipher.update(Buffer.alloc(32)), cipher.final()]).toString('base64');
    expect(failureOf(() => crypto.decrypt(zeros))).toBe('decrypt');
  });

  it('a length field past the end of the frame', () => {
    const { createCipheriv } = require('node:crypto');
    const raw = Buffer.from(key + '=', 'base64');
    const frame = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 0x7f, 0xff]), Buffer.from('hi')]);
    const pad = 32 - (frame.length % 32);
    const padded = Buffer.concat([frame, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', raw, raw.subarray(0, 16));
    cipher.setAutoPadding(false);
    const forged = Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
    expect(failureOf(() => crypto.decrypt(forged))).toBe('buffer');
  });

  it('text that is not base64, and a truncated ciphertext', () => {
    expect(failureOf(() => crypto.decrypt('not base64!'))).toBe('base64');
    expect(failureOf(() => crypto.decrypt(Buffer.alloc(20).toString('base64')))).toBe('decrypt');
  });

  it('a signature of the wrong length or value, compared in constant time', () => {
    expect(failureOf(() => crypto.verify('abc', '1', '2', 'x'))).toBe('signature');
    expect(failureOf(() => crypto.verify(undefined, '1', '2', 'x'))).toBe('signature');
  });

  it('an EncodingAESKey that is not 43 characters', () => {
    expect(failureOf(() => new MessageCrypto('t', 'short', 'id'))).toBe('aes_key');
  });
});

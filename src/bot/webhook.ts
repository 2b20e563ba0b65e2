import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { CryptoError, type MessageCrypto } from './crypto';
import { parseXml, textField, XmlError, type XmlFields } from './xml';

/**
 * The edge shared by /wechat and /wecom: read a bounded body, check the timestamp, open the
 * encrypted envelope, and turn every kind of bad request into a clear 4xx and a log line that
 * says why without quoting the request (it may carry personal data).
 */

export class WebhookError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(reason);
    this.name = 'WebhookError';
  }
}

const REASON_BY_FAILURE: Record<CryptoError['failure'], [number, string]> = {
  signature: [403, 'signature mismatch (check the Token)'],
  aes_key: [500, 'EncodingAESKey is not valid'],
  receive_id: [400, 'envelope is for another appid/corpid'],
  decrypt: [400, 'cannot decrypt (check the EncodingAESKey)'],
  buffer: [400, 'decrypted frame is malformed'],
  base64: [400, 'Encrypt is not base64'],
};

/** Maps what can go wrong at the edge to a status; anything else is a 500 and the process lives on. */
export function webhookErrors(platform: string, log: Logger) {
  return async (ctx: Context, next: () => Promise<unknown>) => {
    try {
      await next();
    } catch (error) {
      let status = 500;
      let reason = 'internal error';
      if (error instanceof WebhookError) [status, reason] = [error.status, error.reason];
      else if (error instanceof CryptoError) [status, reason] = REASON_BY_FAILURE[error.failure];
      else if (error instanceof XmlError) [status, reason] = [400, `bad XML: ${error.message}`];
      const fields = { platform, status, reason, method: ctx.method, ip: ctx.ip };
      // Our own refusals (4xx, "not configured", "retry later") are warnings; anything unexpected is an error.
      if (error instanceof WebhookError || status < 500) log.warn(fields, 'webhook request rejected');
      else log.error({ ...fields, err: error }, 'webhook request failed');
      ctx.status = status;
      ctx.type = 'text/plain';
      ctx.body = status >= 500 && !(error instanceof WebhookError) ? 'internal error' : reason;
    }
  };
}

export async function readBody(ctx: Context, limitBytes: number): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8', length: ctx.get('content-length') || undefined });
  } catch (error) {
    const err = error as { type?: string; status?: number };
    if (err.type === 'entity.too.large') throw new WebhookError(413, `body larger than ${limitBytes} bytes`);
    throw new WebhookError(err.status && err.status < 500 ? err.status : 400, 'could not read the body');
  }
}

export function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw new WebhookError(400, `${name} given twice`);
  return value === undefined || value === '' ? undefined : value;
}

export function requireParams(ctx: Context, ...names: string[]): string[] {
  return names.map((name) => {
    const value = queryParam(ctx, name);
    if (value === undefined) throw new WebhookError(400, `missing ${name}`);
    if (value.length > 512) throw new WebhookError(400, `${name} too long`);
    return value;
  });
}

/** Refuses a timestamp too far from our clock (a replayed capture); 0 seconds turns the check off. */
export function checkTimestamp(timestamp: string, maxSkewSeconds: number, nowMs: number): void {
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookError(400, 'timestamp is not a number');
  if (maxSkewSeconds > 0 && Math.abs(nowMs / 1000 - Number(timestamp)) > maxSkewSeconds) {
    throw new WebhookError(403, `timestamp outside the ${maxSkewSeconds}s window (replay or clock skew)`);
  }
}

const ENCRYPT_OPEN = '<Encrypt>';
const ENCRYPT_CLOSE = '</Encrypt>';
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The Encrypt value of an envelope, taken with a few indexOf calls over the (size-capped) body
 * and no XML parser: until msg_signature has been checked over it, the body is a stranger's, and
 * parsing a forged body of many elements cost 40-170 ms of CPU per request with no secret needed.
 * Exactly one <Encrypt> element, its value plain or in one CDATA section, base64 characters only.
 */
function scanEncrypt(body: string): string {
  const open = body.indexOf(ENCRYPT_OPEN);
  if (open < 0) throw new XmlError('missing Encrypt');
  const start = open + ENCRYPT_OPEN.length;
  const close = body.indexOf(ENCRYPT_CLOSE, start);
  if (close < 0) throw new XmlError('Encrypt is not closed');
  if (body.indexOf(ENCRYPT_OPEN, close) >= 0) throw new XmlError('Encrypt given twice');
  let value = body.slice(start, close);
  if (value.startsWith(CDATA_OPEN) && value.endsWith(CDATA_CLOSE)) value = value.slice(CDATA_OPEN.length, -CDATA_CLOSE.length);
  if (!BASE64.test(value)) throw new CryptoError('base64', 'Encrypt is not base64');
  return value;
}

/**
 * Verifies msg_signature over the envelope's Encrypt value before anything is parsed; then the
 * envelope must be one well-formed document whose Encrypt is the value that was verified (so the
 * scan and the parser cannot disagree about it), and the decrypted frame is parsed.
 */
export function openEnvelope(crypto: MessageCrypto, body: string, msgSignature: string | undefined, timestamp: string, nonce: string): XmlFields {
  const encrypted = scanEncrypt(body);
  crypto.verify(msgSignature, timestamp, nonce, encrypted);
  if (textField(parseXml(body), 'Encrypt') !== encrypted) throw new XmlError('the envelope does not hold the Encrypt that was signed');
  return parseXml(crypto.decrypt(encrypted));
}

import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../../config';
import { MessageCrypto, signature, signatureMatches } from '../crypto';
import type { Dispatcher } from '../dispatcher';
import { eventFromXml, UnsupportedEvent } from '../inbound-event';
import { renderTextReply } from '../reply';
import { checkTimestamp, openEnvelope, readBody, requireParams, queryParam, WebhookError, webhookErrors } from '../webhook';
import { parseXml } from '../xml';

/**
 * The Official Account callback (PROTOCOL.md §3): GET answers the URL check with the plain
 * signature; POST takes plain mode (signature only) and safe mode (encrypt_type=aes, msg_signature
 * over the envelope, appid as receive id). OA treats "success" as "no reply".
 */

const NO_REPLY = 'success';

export function wechatRouter(config: Config, dispatcher: Dispatcher, log: Logger): Router {
  const router = new Router();
  const oa = config.wechat;
  const crypto = oa.inbound && oa.aesKey ? new MessageCrypto(oa.token!, oa.aesKey, oa.id) : undefined;

  router.use('/wechat', webhookErrors('wechat', log), async (_ctx, next) => {
    if (!oa.inbound) throw new WebhookError(503, 'the Official Account is not configured (set WECHAT_APPID and WECHAT_TOKEN)');
    await next();
  });

  const checkPlainSignature = (sig: string | undefined, timestamp: string, nonce: string) => {
    if (!signatureMatches(signature(oa.token!, timestamp, nonce), sig)) throw new WebhookError(403, 'signature mismatch (check WECHAT_TOKEN)');
  };

  router.get('/wechat', (ctx) => {
    const [sig, timestamp, nonce, echostr] = requireParams(ctx, 'signature', 'timestamp', 'nonce', 'echostr');
    checkPlainSignature(sig, timestamp, nonce);
    ctx.type = 'text/plain';
    ctx.body = echostr;
  });

  router.post('/wechat', async (ctx) => {
    const arrivedAt = Date.now();
    const [timestamp, nonce] = requireParams(ctx, 'timestamp', 'nonce');
    // replay protection is about real time, not the business clock tests move
    checkTimestamp(timestamp, config.webhook.maxClockSkewSeconds, Date.now());
    const safeMode = queryParam(ctx, 'encrypt_type') === 'aes';
    const body = await readBody(ctx, config.webhook.maxBodyBytes);
    let fields;
    if (safeMode) {
      if (!crypto) throw new WebhookError(400, 'safe mode message but WECHAT_AES_KEY is not set');
      fields = openEnvelope(crypto, body, queryParam(ctx, 'msg_signature'), timestamp, nonce);
    } else {
      // Plain mode is authenticated by the signature alone (it does not cover the body); refuse it
      // once safe mode is configured. Either way the body is parsed only after the check.
      if (crypto) throw new WebhookError(400, 'plain-mode message but the account is configured for safe mode');
      checkPlainSignature(queryParam(ctx, 'signature'), timestamp, nonce);
      fields = parseXml(body);
    }
    let event;
    try {
      event = eventFromXml('wechat', fields);
    } catch (error) {
      if (!(error instanceof UnsupportedEvent)) throw error;
      log.info({ platform: 'wechat', kind: error.kind }, 'unsupported message type acknowledged and not stored');
      ctx.body = NO_REPLY;
      return;
    }
    const reply = await dispatcher.receive(event, renderTextReply, arrivedAt).catch((error) => {
      log.error({ err: error, platform: event.platform, kind: event.type }, 'inbound message not stored');
      throw new WebhookError(503, 'message could not be stored; the platform will retry');
    });
    ctx.type = 'text/xml';
    if (reply === null) {
      ctx.type = 'text/plain';
      ctx.body = NO_REPLY;
    } else {
      ctx.body = crypto ? crypto.envelope(reply, timestamp, nonce) : reply;
    }
  });

  return router;
}

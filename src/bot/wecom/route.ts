import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../../config';
import { MessageCrypto } from '../crypto';
import type { Dispatcher } from '../dispatcher';
import { eventFromXml, UnsupportedEvent } from '../inbound-event';
import { renderTextReply } from '../reply';
import { checkTimestamp, openEnvelope, readBody, requireParams, WebhookError, webhookErrors } from '../webhook';

/**
 * The WeCom app callback (PROTOCOL.md §2), always encrypted with the corpid as receive id.
 * GET answers the URL check with the decrypted echostr; an empty 200 means "no reply".
 */
export function wecomRouter(config: Config, dispatcher: Dispatcher, log: Logger): Router {
  const router = new Router();
  const wecom = config.wecom;
  const crypto = wecom.inbound ? new MessageCrypto(wecom.token!, wecom.aesKey!, wecom.id) : undefined;

  router.use('/wecom', webhookErrors('wecom', log), async (_ctx, next) => {
    if (!crypto) throw new WebhookError(503, 'WeCom is not configured (set WECOM_CORPID, WECOM_TOKEN and WECOM_AES_KEY)');
    await next();
  });

  router.get('/wecom', (ctx) => {
    // Koa has already URL-decoded echostr once; decoding it again would turn "+" into a space.
    const [msgSignature, timestamp, nonce, echostr] = requireParams(ctx, 'msg_signature', 'timestamp', 'nonce', 'echostr');
    crypto!.verify(msgSignature, timestamp, nonce, echostr);
    ctx.type = 'text/plain';
    ctx.body = crypto!.decrypt(echostr);
  });

  router.post('/wecom', async (ctx) => {
    const arrivedAt = Date.now();
    const [msgSignature, timestamp, nonce] = requireParams(ctx, 'msg_signature', 'timestamp', 'nonce');
    // replay protection is about real time, not the business clock tests move
    checkTimestamp(timestamp, config.webhook.maxClockSkewSeconds, Date.now());
    const body = await readBody(ctx, config.webhook.maxBodyBytes);
    const fields = openEnvelope(crypto!, body, msgSignature, timestamp, nonce);
    // One corp's apps can share a Token and EncodingAESKey (the receive id is the corpid): a
    // message for another of its apps is acknowledged so WeCom stops retrying, and not stored.
    const agentId = fields.AgentID;
    if (typeof agentId !== 'string' || agentId.trim() !== String(wecom.agentId)) {
      const reason = agentId === undefined ? 'no AgentID' : 'AgentID of another app (check WECOM_AGENTID)';
      log.warn({ platform: 'wecom', reason, method: ctx.method, ip: ctx.ip }, 'webhook message acknowledged and not stored');
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    let event;
    try {
      event = eventFromXml('wecom', fields);
    } catch (error) {
      if (!(error instanceof UnsupportedEvent)) throw error;
      log.info({ platform: 'wecom', kind: error.kind }, 'unsupported message type acknowledged and not stored');
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    const reply = await dispatcher.receive(event, renderTextReply, arrivedAt).catch((error) => {
      log.error({ err: error, platform: event.platform, kind: event.type }, 'inbound message not stored');
      throw new WebhookError(503, 'message could not be stored; the platform will retry');
    });
    ctx.status = 200;
    if (reply === null) {
      ctx.body = '';
    } else {
      ctx.type = 'text/xml';
      ctx.body = crypto!.envelope(reply, timestamp, nonce);
    }
  });

  return router;
}

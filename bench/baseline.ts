import Koa from 'koa';
import getRawBody from 'raw-body';
import { MessageCrypto } from '../src/bot/crypto';
import { parseXml, textField } from '../src/bot/xml';
import { OA, WECOM } from '../test/support/wx';

/**
 * The baseline the bot is measured against: a bare Koa server that does only what no webhook
 * can skip — read the body, parse the envelope, verify msg_signature, decrypt (the project's own
 * strict MessageCrypto), parse the inner XML — and answers "success" (OA) / empty (WeCom).
 * No database, no handler, no reply encryption.
 */
export function baselineApp(): Koa {
  const wecom = new MessageCrypto(WECOM.token, WECOM.aesKey, WECOM.corpId);
  const oa = new MessageCrypto(OA.token, OA.aesKey, OA.appId);
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || (ctx.path !== '/wecom' && ctx.path !== '/wechat')) {
      ctx.status = 404;
      return;
    }
    const crypto = ctx.path === '/wecom' ? wecom : oa;
    const { msg_signature: signature, timestamp, nonce } = ctx.query as Record<string, string>;
    const body = await getRawBody(ctx.req, { limit: 64 * 1024, encoding: 'utf8' });
    const encrypted = textField(parseXml(body), 'Encrypt');
    try {
      if (!encrypted) throw new Error('no Encrypt');
      crypto.verify(signature, timestamp, nonce, encrypted);
      const inner = parseXml(crypto.decrypt(encrypted));
      if (!textField(inner, 'MsgType')) throw new Error('no MsgType');
    } catch {
      ctx.status = 400;
      ctx.body = 'bad request';
      return;
    }
    ctx.type = 'text/plain';
    ctx.body = ctx.path === '/wechat' ? 'success' : '';
  });
  return app;
}

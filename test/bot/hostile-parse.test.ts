import { encrypt, getSignature } from '@wecom/crypto';
import { InboundMessage, OutboxMessage } from '../../src/entities';
import { describeEachDatabase } from '../support/databases';
import { eventually, startBot, type RunningBot } from '../support/harness';
import { OA, WECOM, oaSafeRequest, oaText, openReply, wecomRequest, wecomText } from '../support/wx';

/**
 * Issue 19, items 4 and 11: nothing a stranger sends is parsed before its signature is checked;
 * a customer's text that merely looks like a DOCTYPE is a message, not an attack; a WeCom message
 * for another of the corp's apps is acknowledged and not stored. Every payload carries a phone
 * number that must never reach a log.
 */

const PHONE = '13987654321';
const now = () => String(Math.floor(Date.now() / 1000));
const cdata = (v: string) => `<![CDATA[${v}]]>`;
/** Well-formed base64 of the right shape: only the signature can tell it is not ours. */
const FAKE_ENCRYPT = Buffer.alloc(96, 7).toString('base64');
const nest = (depth: number) => '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
const laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';

/** Bodies the XML parser refuses (nesting, DOCTYPE, not well-formed) around a plausible Encrypt. */
const HOSTILE_ENVELOPES: [string, string][] = [
  ['200 levels of nesting', `<xml><Encrypt>${cdata(FAKE_ENCRYPT)}</Encrypt>${nest(200)}</xml>`],
  ['a DOCTYPE with entities', `${laughs}<xml><Encrypt>${cdata(FAKE_ENCRYPT)}</Encrypt><P>&lol2;</P></xml>`],
  ['unclosed elements', `<xml><Encrypt>${cdata(FAKE_ENCRYPT)}</Encrypt>${'<a>'.repeat(1500)}`],
  ['two roots and 1,500 elements', `<xml><Encrypt>${FAKE_ENCRYPT}</Encrypt></xml><xml>${'<b>1</b>'.repeat(1500)}</xml>`],
];

const forgedWecom = (body: string) => ({ path: `/wecom?msg_signature=${'a'.repeat(40)}&timestamp=${now()}&nonce=1`, body });
const forgedOa = (body: string) => {
  const timestamp = now();
  return { path: `/wechat?signature=${getSignature(OA.token, timestamp, '1', '')}&timestamp=${timestamp}&nonce=1&encrypt_type=aes&msg_signature=${'b'.repeat(40)}`, body };
};

/** A WeCom request whose decrypted plaintext is exactly `inner`, correctly signed. */
function wecomWith(inner: string) {
  const timestamp = now();
  const encrypted = encrypt(WECOM.aesKey, inner, WECOM.corpId);
  return { path: `/wecom?msg_signature=${getSignature(WECOM.token, timestamp, '5', encrypted)}&timestamp=${timestamp}&nonce=5`, body: `<xml><Encrypt>${cdata(encrypted)}</Encrypt></xml>`, encrypted };
}

describeEachDatabase('hostile parsing', ({ db, skipped }) => {
  let running: RunningBot;
  beforeAll(async () => {
    if (!skipped()) running = await startBot(db());
  });
  afterAll(async () => running?.stop());

  /** Sends a request and checks the common promises: status, nothing stored, no phone in the logs. */
  async function send(request: { path: string; body: string }, expectStatus: number, expectReason?: RegExp) {
    const before = { inbound: await db().reader.count(InboundMessage), outbox: await db().reader.count(OutboxMessage) };
    const from = running.logs.lines.length;
    const response = await running.post(request.path, request.body);
    expect(response.status).toBe(expectStatus);
    expect(await db().reader.count(InboundMessage)).toBe(before.inbound);
    expect(await db().reader.count(OutboxMessage)).toBe(before.outbox);
    const lines = running.logs.lines.slice(from);
    if (expectReason) expect(lines.map((l) => String(l.reason ?? ''))).toEqual(expect.arrayContaining([expect.stringMatching(expectReason)]));
    expect(running.logs.raw.slice(from).join('\n')).not.toContain(PHONE);
    expect(response.text).not.toContain(PHONE);
    return response;
  }

  describe('verify before parsing', () => {
    // Before the fix each of these was parsed first and refused as bad XML (400): the signature
    // error proves that no parser saw the body.
    it.each(HOSTILE_ENVELOPES)('WeCom: a forged envelope with %s gets the signature error, unparsed', async (_name, body) => {
      if (skipped()) return;
      await send(forgedWecom(body + `<!-- ${PHONE} -->`), 403, /signature mismatch/);
    });

    it.each(HOSTILE_ENVELOPES)('OA safe mode: a forged envelope with %s gets the signature error, unparsed', async (_name, body) => {
      if (skipped()) return;
      await send(forgedOa(body), 403, /signature mismatch/);
    });

    it('refuses a forged body of thousands of elements just under the size limit with the signature error', async () => {
      if (skipped()) return;
      const filler = '<i>1</i>'.repeat(1800);
      const body = `<xml><Encrypt>${cdata(FAKE_ENCRYPT)}</Encrypt>${filler}</xml>`;
      expect(Buffer.byteLength(body)).toBeLessThan(running.config.webhook.maxBodyBytes);
      await send(forgedWecom(body), 403, /signature mismatch/);
    });

    it('has a 16 KB default body limit: a 17 KB forged body is refused unread', async () => {
      if (skipped()) return;
      expect(running.config.webhook.maxBodyBytes).toBe(16 * 1024);
      await send(forgedWecom(`<xml><Encrypt>${cdata(FAKE_ENCRYPT)}</Encrypt>${'<i>1</i>'.repeat(2200)}</xml>`), 413);
    });

    it('refuses an envelope without exactly one base64 Encrypt before checking anything else', async () => {
      if (skipped()) return;
      await send(forgedWecom(`<xml><Encrypt>${cdata(`${PHONE} 的地址`)}</Encrypt></xml>`), 400, /not base64/);
      await send(forgedWecom(`<xml><Encrypt>${FAKE_ENCRYPT}</Encrypt><Encrypt>${FAKE_ENCRYPT}</Encrypt></xml>`), 400, /twice/);
      await send(forgedWecom(`<xml><Encrypt>${FAKE_ENCRYPT}</xml>`), 400, /not closed/);
    });

    it('still parses a signed envelope afterwards: it must be one document holding the Encrypt that was signed', async () => {
      if (skipped()) return;
      const good = wecomRequest(wecomText('u_parse', PHONE));
      await send({ ...good, body: `${good.body}<unclosed>` }, 400, /bad XML/);
      // the scan and the parser must not disagree: an Encrypt inside a comment is no Encrypt
      const hidden = wecomWith(wecomText('u_parse', PHONE));
      await send({ ...hidden, body: `<xml><!-- <Encrypt>${hidden.encrypted}</Encrypt> --></xml>` }, 400, /bad XML/);
    });
  });

  describe('DOCTYPE as text', () => {
    it('stores and answers a customer who types <!DOCTYPE html> (OA safe mode, real envelope)', async () => {
      if (skipped()) return;
      const typed = `<!DOCTYPE html><html><body>阿姨今天迟到了，我要投诉 ${PHONE}</body></html>`;
      const request = oaSafeRequest(oaText('o_doctype', typed));
      const before = await db().reader.count(InboundMessage);
      const response = await running.post(request.path, request.body);
      expect(response.status).toBe(200);
      expect(openReply(response.text, 'wechat')).toContain('<MsgType><![CDATA[text]]></MsgType>');
      expect(await db().reader.count(InboundMessage)).toBe(before + 1);
      const row = await eventually(() => db().reader.findOne(InboundMessage, { where: { sender: 'o_doctype', status: 'done' } }));
      expect((row!.event as { text?: string }).text).toBe(typed);
    });

    it('keeps a DOCTYPE and "]]>" typed inside one message as text (WeCom, CDATA split the standard way)', async () => {
      if (skipped()) return;
      const typed = `]]><!DOCTYPE x [<!ENTITY e "${PHONE}">]>&e;`;
      const request = wecomRequest(wecomText('u_doctype', typed));
      const response = await running.post(request.path, request.body);
      expect(response.status).toBe(200);
      const row = await eventually(() => db().reader.findOne(InboundMessage, { where: { sender: 'u_doctype', status: 'done' } }));
      expect((row!.event as { text?: string }).text).toBe(typed);
    });

    it('still refuses a DOCTYPE in the decrypted document, even one a CDATA opener inside a comment tries to hide', async () => {
      if (skipped()) return;
      const inner = `<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY e "${PHONE}">]>${wecomText('u_hidden', '&e;')}<!-- ]]> -->`;
      await send(wecomWith(inner), 400, /DOCTYPE/);
      await send(wecomWith(`${laughs}${wecomText('u_hidden', '&lol2;')}`), 400, /DOCTYPE/);
    });
  });

  describe('WeCom AgentID', () => {
    const withAgent = (agent: string | null) => {
      const xml = wecomText('u_agent', `我要投诉 ${PHONE}`);
      return agent === null ? xml.replace(/<AgentID>[^<]*<\/AgentID>/, '') : xml.replace(/<AgentID>[^<]*<\/AgentID>/, `<AgentID>${agent}</AgentID>`);
    };

    it('acknowledges a message for another app of the corp and stores nothing', async () => {
      if (skipped()) return;
      const response = await send(wecomRequest(withAgent('1000003')), 200, /another app/);
      expect(response.text).toBe('');
    });

    it('acknowledges a message without AgentID and stores nothing', async () => {
      if (skipped()) return;
      const response = await send(wecomRequest(withAgent(null)), 200, /no AgentID/);
      expect(response.text).toBe('');
    });

    it('stores a message for our own app', async () => {
      if (skipped()) return;
      const before = await db().reader.count(InboundMessage);
      const request = wecomRequest(withAgent(WECOM.agentId));
      const response = await running.post(request.path, request.body);
      expect(response.status).toBe(200);
      expect(await db().reader.count(InboundMessage)).toBe(before + 1);
    });
  });

  it('is still up after all of it, with no phone number in any log line', async () => {
    if (skipped()) return;
    expect((await running.get('/healthz')).status).toBe(200);
    expect(running.logs.text()).not.toContain(PHONE);
  });
});

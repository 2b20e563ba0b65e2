import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { RunningSimulator } from './run';
import type { ChatMessage, TemplateCard } from './session';

/**
 * Terminal mode (`npm run simulate -- --cli`): the same conversations as the page, in a shell.
 *
 *   /as customer o_demo_1     speak as a customer on the Official Account
 *   /as staff sales_li        speak as a member in WeCom
 *   any other line            is sent as that person
 *   /click 1                  press button 1 of the last card shown to the current member
 *   /follow                   the customer follows the account (subscribe event)
 *   /contracts  /scan <customer id> [已关注]  /who  /records  /help  /quit
 *
 * Everything the bot sends (to anyone) is printed as it arrives; cards list their buttons.
 */

const HELP = `命令 commands:
  /as customer <openid>   以客户身份（公众号）说话，例如 /as customer o_demo_1
  /as staff <userid>      以员工身份（企业微信）说话，例如 /as staff sales_li
  <文字>                  以当前身份发送
  /click <n>              按下当前员工最近一张卡片的第 n 个按钮
  /follow                 客户关注公众号（subscribe 事件）
  /contracts              在服务的合同和客户编号（签约二维码用）
  /scan <客户编号> [已关注] 以当前客户扫这位客户的签约二维码（新关注或已关注）
  /who                    列出演示员工和客户
  /records                最新的线索和工单（管理接口）
  /help  /quit`;

interface Identity {
  side: 'customer' | 'staff';
  id: string;
}

export async function runCli(simulator: RunningSimulator, input: Readable, output: Writable): Promise<void> {
  const color = Boolean((output as Writable & { isTTY?: boolean }).isTTY);
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const staff = await simulator.admin.staff().catch(() => []);
  // created only now: readline starts reading at once, and a line read before the listener is lost
  const rl: Interface = createInterface({ input, output, terminal: color });
  const nameOf = (userId: string) => staff.find((s) => s.userId === userId)?.name ?? userId;
  let me: Identity = { side: 'customer', id: 'o_demo_1' };
  const lastCard = new Map<string, { taskId: string; card: TemplateCard }>();

  const prompt = () => {
    if (!color) return; // piped input: no prompts between the lines
    rl.setPrompt(me.side === 'customer' ? paint('32', `[公众号 ${me.id}] > `) : paint('34', `[企业微信 ${nameOf(me.id)} ${me.id}] > `));
    rl.prompt(true);
  };
  /** Prints above the prompt without mangling what is being typed. */
  const print = (text: string) => {
    if (color) output.write('\r\u001b[2K');
    output.write(`${text}\n`);
    if (color) prompt();
  };

  const cardLines = (card: TemplateCard, indent = '    '): string[] => {
    const lines: string[] = [];
    if (card.source?.desc) lines.push(paint('2', card.source.desc));
    lines.push(paint('1', card.main_title?.title ?? ''));
    if (card.main_title?.desc) lines.push(card.main_title.desc);
    if (card.sub_title_text) lines.push(paint('36', `【${card.sub_title_text}】`));
    if (card.quote_area?.title || card.quote_area?.quote_text) lines.push(paint('33', `▍${card.quote_area.title ?? ''} ${card.quote_area.quote_text ?? ''}`.trim()));
    for (const field of card.horizontal_content_list ?? []) lines.push(`${field.keyname}：${field.value}`);
    for (const jump of card.jump_list ?? []) lines.push(`${jump.title ?? '详情'}：${jump.url}`);
    const buttons = (card.button_list ?? []).map((b, i) => ((b.key ?? '').startsWith('decided:') ? paint('2', `[${b.text}]`) : `[${i + 1}] ${b.text}`));
    if (buttons.length) lines.push(buttons.join('  '));
    return lines.map((line) => indent + line);
  };

  const show = (m: ChatMessage) => {
    const where = m.side === 'customer' ? paint('32', `[公众号 ${m.user}]`) : paint('34', `[企业微信 ${nameOf(m.user)}]`);
    if (m.direction === 'in') {
      // what was typed here is on the screen already; a click is worth a line
      if (m.kind === 'click') print(`${where} ${m.text}`);
      return;
    }
    if (m.direction === 'system') return print(`${where} ${paint('31', m.text ?? '')}`);
    if (m.kind === 'card' || m.kind === 'card_update') {
      lastCard.set(m.user, { taskId: m.taskId ?? '', card: m.card! });
      const head = m.kind === 'card' ? '收到卡片 card:' : '卡片已更新 card updated:';
      const hint = m.user === me.id && me.side === 'staff' ? '' : paint('2', `（/as staff ${m.user} 后可用 /click 按钮）`);
      return print([`${where} ${head} ${hint}`, ...cardLines(m.card!)].join('\n'));
    }
    const via = paint('2', `(${m.via})`);
    print(`${where} 助手 ${via}: ${m.text ?? ''}`);
  };
  simulator.session.on('message', show);

  print(HELP);
  print(paint('2', `当前身份：客户 ${me.id}。试试输入：我想找个月嫂，朝阳区，13800138000`));
  prompt();

  let chain = Promise.resolve();
  const run = (task: () => Promise<void>) => {
    chain = chain.then(task).catch((error) => print(paint('31', `出错了 error: ${(error as Error).message}`)));
    return chain;
  };

  const handle = async (line: string): Promise<boolean> => {
    const text = line.trim();
    if (!text) return true;
    if (!text.startsWith('/')) {
      if (me.side === 'customer') await simulator.session.customerSays(me.id, text);
      else await simulator.session.staffSays(me.id, text);
      return true;
    }
    const [command, ...rest] = text.split(/\s+/);
    switch (command) {
      case '/as': {
        const [side, id] = rest;
        if ((side !== 'customer' && side !== 'staff') || !id || !/^[\w@.-]{1,128}$/.test(id)) {
          print('用法 usage: /as customer <openid> | /as staff <userid>');
          return true;
        }
        me = { side, id };
        if (side === 'staff' && !staff.some((s) => s.userId === id)) print(paint('33', `注意：${id} 不在员工名单中（机器人会按非员工处理）`));
        return true;
      }
      case '/click': {
        if (me.side !== 'staff') {
          print('先切换到员工身份：/as staff <userid>');
          return true;
        }
        const shown = lastCard.get(me.id);
        const n = Number(rest[0]);
        const button = shown?.card.button_list?.[n - 1];
        if (!shown) print(`${nameOf(me.id)} 还没有收到卡片。`);
        else if (!button || !Number.isInteger(n)) print(`没有第 ${rest[0] ?? ''} 个按钮：这张卡片有 ${shown.card.button_list?.length ?? 0} 个。`);
        else if ((button.key ?? '').startsWith('decided:')) print('这个按钮已经处理过了。');
        else await simulator.session.staffClicks(me.id, shown.taskId, button.key ?? '');
        return true;
      }
      case '/follow':
        if (me.side !== 'customer') print('只有客户可以关注公众号：/as customer <openid>');
        else await simulator.session.customerEvent(me.id, 'subscribe');
        return true;
      case '/contracts': {
        const contracts = await simulator.admin.contracts();
        print(['合同 contracts:', ...contracts.map((c) => `  客户编号 ${String(c.customerId).padEnd(4)} ${c.number}  ${c.serviceType ?? ''}  ${c.customer ?? ''}  ${c.linked ? '已关联微信' : '未关联微信'}`)].join('\n'));
        return true;
      }
      case '/scan': {
        // what WeChat sends when the current customer scans that customer's signing QR code
        const customerId = Number(rest[0]);
        if (me.side !== 'customer' || !Number.isInteger(customerId) || customerId <= 0) {
          print('用法 usage: /as customer <openid>，然后 /scan <客户编号> [已关注]（编号见 /contracts）');
          return true;
        }
        const code = await simulator.admin.get<{ url: string }>(`/api/customers/${customerId}/qrcode?format=json`);
        const scene = simulator.platform.sceneOfUrl(code.url);
        const following = rest[1] === '已关注';
        if (!scene) print('这个二维码不是在本模拟器生成的。');
        else await simulator.session.customerEvent(me.id, following ? 'SCAN' : 'subscribe', following ? scene : `qrscene_${scene}`);
        return true;
      }
      case '/who':
        print(['员工 staff:', ...staff.map((s) => `  ${s.userId.padEnd(12)} ${s.name}  ${s.title}`), '客户 customers:', ...simulator.admin.demoCustomers().map((c) => `  ${c.openid.padEnd(12)} ${c.name}  ${c.note}`), '  （任何其他 openid 都是新访客）'].join('\n'));
        return true;
      case '/records': {
        const { leads, tickets } = await simulator.admin.records(10);
        const lines = ['线索 leads:', ...leads.map((l) => `  ${l.number}  ${l.status.padEnd(9)} ${l.serviceType ?? ''} ${l.district ?? ''}  ${l.customer.name ?? ''}  顾问 ${l.consultant ?? '—'}`)];
        lines.push('工单 tickets:', ...tickets.map((t) => `  ${t.number}  ${t.kind}/${t.severity ?? '-'}  ${t.status}  ${t.customer.name ?? ''}  ${t.approvals.map((a) => `${a.step}:${a.status}`).join(' ')}`));
        print(lines.join('\n'));
        return true;
      }
      case '/help':
        print(HELP);
        return true;
      case '/quit':
      case '/exit':
        return false;
      default:
        print(`不认识的命令 ${command}，输入 /help 查看。`);
        return true;
    }
  };

  const finished = new Promise<void>((done) => {
    rl.on('close', () => void chain.then(done));
    rl.on('SIGINT', () => rl.close());
  });
  rl.on('line', (line) => {
    void run(async () => {
      const goOn = await handle(line);
      if (!goOn) rl.close();
      else prompt();
    });
  });
  await finished;
  simulator.session.off('message', show);
}

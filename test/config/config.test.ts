import { ConfigError, loadConfig, REAL_WECHAT_API_BASE, REAL_WECOM_API_BASE } from '../../config';
import { SEED_COMMITMENTS } from '../../config/commitments';

const failureOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('starts with no environment at all: SQLite under data/, port 3000, every platform in sandbox', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', file: 'data/bot.sqlite' });
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.wechat).toMatchObject({ inbound: false, outbound: false, apiBase: REAL_WECHAT_API_BASE });
    expect(config.wecom).toMatchObject({ inbound: false, outbound: false, apiBase: REAL_WECOM_API_BASE });
    expect(config.adminToken).toBeUndefined();
    expect(config.commitments).toEqual(SEED_COMMITMENTS);
    expect(Object.isFrozen(config.webhook)).toBe(true);
  });

  it('has the seed defaults for the commitments', () => {
    expect(SEED_COMMITMENTS).toMatchObject({ replyHours: 24, complaintFeedbackHours: 24, onSiteInWarrantyHours: 12, onSiteOutOfWarrantyHours: 48, noReasonReturnDays: 15, renewalNoticeDays: 15, monthlyComplaintReportDay: 5 });
  });

  it('reads a MySQL URL', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://bot:pw@db.internal:3307/aftersales' }).database).toMatchObject({ kind: 'mysql', host: 'db.internal', port: 3307, database: 'aftersales' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://root@127.0.0.1:3306' }, 'DATABASE_URL'],
    [{ WECHAT_TOKEN: 't' }, 'WECHAT_APPID'],
    [{ WECHAT_APPID: 'wx1', WECHAT_TOKEN: 't', WECHAT_AES_KEY: 'too-short' }, 'WECHAT_AES_KEY'],
    [{ WECOM_CORPID: 'ww1', WECOM_TOKEN: 't' }, 'WECOM_AES_KEY'],
    [{ WECOM_CORPID: 'ww1', WECOM_SECRET: 's' }, 'WECOM_AGENTID'],
    [{ WECOM_CORPID: 'ww1', WECOM_SECRET: 's', WECOM_AGENTID: 'app' }, 'WECOM_AGENTID'],
    [{ WECOM_API_BASE: 'ftp://fake' }, 'WECOM_API_BASE'],
    [{ DATA_KEY: 'c2hvcnQ=' }, 'DATA_KEY'],
    [{ BOT_TIMEZONE: 'Mars/Olympus' }, 'BOT_TIMEZONE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ COMMIT_REPLY_HOURS: '0' }, 'COMMIT_REPLY_HOURS'],
    [{ WEBHOOK_REPLY_BUDGET_MS: '6000' }, 'WEBHOOK_REPLY_BUDGET_MS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(failureOf(env as Record<string, string>)).toContain(variable);
  });

  it('knows which platforms can receive and which can send', () => {
    const config = loadConfig({
      WECHAT_APPID: 'wx1',
      WECHAT_TOKEN: 'tok',
      WECOM_CORPID: 'ww1',
      WECOM_SECRET: 'sec',
      WECOM_AGENTID: '1000002',
      WECOM_API_BASE: 'http://127.0.0.1:9/',
    });
    expect(config.wechat).toMatchObject({ inbound: true, outbound: false });
    expect(config.wecom).toMatchObject({ inbound: false, outbound: true, agentId: 1000002, apiBase: 'http://127.0.0.1:9' });
  });
});

import cron from 'node-cron';
import { z } from 'zod';
import { commitmentsFromEnv, type Commitments } from './commitments';

/**
 * Typed configuration, parsed once from an environment passed in (tests pass a literal env).
 * The variable names are a public contract: deployment tooling sets exactly these.
 */

export const REAL_WECHAT_API_BASE = 'https://api.weixin.qq.com';
export const REAL_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';
/** WeCom 网页授权 (in-app OAuth) and 扫码登录 (desktop QR login) hosts: PROTOCOL.md §9. */
export const REAL_WECOM_OAUTH_BASE = 'https://open.weixin.qq.com';
export const REAL_WECOM_SSO_BASE = 'https://login.work.weixin.qq.com';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`配置错误 / invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Database =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; url: string; host: string; port: number; database: string };

export interface PlatformCredentials {
  /** OA appid or WeCom corpid: the receive id inside every encrypted frame. */
  id: string;
  token?: string;
  aesKey?: string;
  secret?: string;
  apiBase: string;
}

export interface WechatConfig extends PlatformCredentials {
  /** Inbound callbacks can be verified (token and appid are set). */
  inbound: boolean;
  /** Outbound API calls can be made (appid and secret set); otherwise messages go to the sandbox. */
  outbound: boolean;
  /** Template used when a customer is outside the 48-hour customer-service window. */
  fallbackTemplateId?: string;
}

export interface WecomConfig extends PlatformCredentials {
  agentId: number;
  /** Where staff browsers are sent to log in to the console: in-app OAuth and desktop QR login. */
  oauthBase: string;
  ssoBase: string;
  inbound: boolean;
  outbound: boolean;
}

/** Personal WeChat and groups through Wechaty (optional packages, see README). */
export interface WechatyConfig {
  /** The puppet's npm package (wechaty-puppet-service, wechaty-puppet-mock…); undefined: the channel is off. */
  puppet?: string;
  /** Token for wechaty-puppet-service (from the puppet provider). */
  puppetToken?: string;
  /** Topic or room id of the managers' group: alerts and pending approvals are posted there. */
  managersRoom?: string;
}

export interface Config {
  port: number;
  database: Database;
  wechat: WechatConfig;
  wecom: WecomConfig;
  wechaty: WechatyConfig;
  adminToken?: string;
  /** Believe X-Forwarded-For/-Proto/-Host (set only behind a reverse proxy that overwrites them). */
  trustProxy: boolean;
  /** base64 of 32 bytes; undefined means "generate/load the development key from data/". */
  dataKey?: string;
  timezone: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  webhook: {
    /** Reject callbacks whose timestamp is further than this from our clock; 0 turns the check off. */
    maxClockSkewSeconds: number;
    maxBodyBytes: number;
    /** How long a request may wait for its handler before it is acknowledged empty (WeChat gives up at 5 s). */
    replyBudgetMs: number;
  };
  /**
   * The optional language model (issue 14, item 5), asked only when the rules and the classifier
   * are unsure; undefined (LLM_BASE_URL unset): never asked.
   */
  llm?: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number };
  outbox: { pollMs: number; maxAttempts: number };
  /** Flood control: one customer must not page the managers (or fill the database) without limit. */
  limits: {
    /** A new complaint from a customer with a complaint opened this many minutes ago or less joins it; 0: never. */
    complaintMergeMinutes: number;
    /** Messages one sender may send in a minute; past that one polite answer, then nothing is stored. 0: no limit. */
    ratePerMinute: number;
  };
  commitments: Commitments;
  /** Hand-off to a person and the live conversation through the bot (R-HO, src/handlers/handoff). */
  handoff: {
    /** Working minutes the specialist on duty has to press 接入 before the CS manager is told. */
    acceptMinutes: number;
    /** A live conversation with nothing said on either side for this long goes back to the bot. */
    idleMinutes: number;
    /** A complaint or service-request dialogue waiting this long for the customer's answer is handed to a person. */
    stallMinutes: number;
    /** OA customer-service messages allowed per customer message within 48 h (PROTOCOL.md §11; older guides say 20). */
    allowancePerMessage: number;
    /** … and in the minute after a follow, a scan or a menu click. */
    allowanceAfterEvent: number;
    /** Staff are told how many are left once this few remain. */
    allowanceLowAt: number;
  };
  leads: {
    /** A lead not accepted within this many working minutes goes to the next consultant. */
    acceptMinutes: number;
    /** An accepted lead not contacted within this many hours: remind the consultant, then the manager. */
    contactHours: number;
  };
  /** Office hours for clocks that count working time, e.g. ["09:00-12:00", "13:30-18:00"] (lunch pause). */
  workingHours: string[];
  /** Working hours an approver has for a step before it escalates to the next role up. */
  stepDueWorkingHours: number;
  /** JSON file of holidays for years chinese-days does not know yet (see config/holidays.ts). */
  holidaysFile?: string;
  archives: {
    /** Days after the housekeeper's arrival for the first follow-up visits; monthly after the last. */
    visitDays: number[];
    /** A renewal reminder goes out this many days before the end if no outcome was recorded. */
    renewalReminderDays: number;
    /** Shift changes (HH:MM) when customer-service staff get their hand-over digest. */
    shiftChanges: string[];
  };
  reports: {
    /** When the previous month's report goes to the GM (node-cron, BOT_TIMEZONE); default 09:00 on the 1st. */
    monthlyCron: string;
  };
  /** Set JOBS_ENABLED=false on an instance that must not run scheduled jobs. */
  jobsEnabled: boolean;
  /** Handled inbound messages, delivered outbox rows and used card response codes are purged after this many days. */
  retentionDays: number;
  /** The company's name at the head of every printed form (COMPANY_NAME). */
  companyName: string;
  /** The staff console (工作台) under /console. */
  console: {
    /** A staff chooser instead of WeCom login: only with no platform configured (CONSOLE_DEV_LOGIN=true). */
    devLogin: boolean;
    /** A session unused this long is over. */
    idleMinutes: number;
    /** A session is over this long after login, used or not. */
    maxHours: number;
    /** Where staff open the console (CONSOLE_PUBLIC_URL, e.g. https://bot.example.com/console): cards link 详情 to its case page. */
    publicUrl?: string;
  };
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseWith<T>(env: Env, name: string, schema: z.ZodType<T>, fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(name, `is "${raw}": ${result.error.issues[0]?.message ?? 'not valid'}`);
  }
  return result.data;
}

const port = z.coerce.number().int().min(1, 'must be 1-65535').max(65535, 'must be 1-65535');
const nonNegativeInt = z.coerce.number().int().min(0, 'must be a whole number ≥ 0');
const positiveInt = z.coerce.number().int().min(1, 'must be a whole number ≥ 1');

function parseDatabase(env: Env): Database {
  const raw = read(env, 'DATABASE_URL') ?? 'sqlite:data/bot.sqlite';
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError('DATABASE_URL', 'names no SQLite file (expected sqlite:data/bot.sqlite)');
    return { kind: 'sqlite', file };
  }
  if (/^(mysql|mariadb):\/\//.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected mysql://user:pass@host:3306/db)');
    }
    const database = url.pathname.replace(/^\//, '');
    if (!database) throw new ConfigError('DATABASE_URL', 'names no database (expected mysql://user:pass@host:3306/db)');
    return { kind: 'mysql', url: raw, host: url.hostname, port: Number(url.port || 3306), database };
  }
  throw new ConfigError('DATABASE_URL', 'must start with sqlite: or mysql://');
}

function checkAesKey(env: Env, name: string): string | undefined {
  const key = read(env, name);
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]{43}$/.test(key) || Buffer.from(key + '=', 'base64').length !== 32) {
    throw new ConfigError(name, 'must be the 43-character EncodingAESKey shown in the platform console');
  }
  return key;
}

function requireWith(env: Env, present: string, needed: string): void {
  if (read(env, present) !== undefined && read(env, needed) === undefined) {
    throw new ConfigError(needed, `is missing: it is required when ${present} is set`);
  }
}

function apiBase(env: Env, name: string, fallback: string): string {
  const raw = read(env, name) ?? fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(name, `is "${raw}": must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

function parseWechat(env: Env): WechatConfig {
  requireWith(env, 'WECHAT_TOKEN', 'WECHAT_APPID');
  requireWith(env, 'WECHAT_AES_KEY', 'WECHAT_TOKEN');
  requireWith(env, 'WECHAT_APPSECRET', 'WECHAT_APPID');
  const id = read(env, 'WECHAT_APPID') ?? '';
  const token = read(env, 'WECHAT_TOKEN');
  const secret = read(env, 'WECHAT_APPSECRET');
  return {
    id,
    token,
    aesKey: checkAesKey(env, 'WECHAT_AES_KEY'),
    secret,
    apiBase: apiBase(env, 'WECHAT_API_BASE', REAL_WECHAT_API_BASE),
    inbound: Boolean(id && token),
    outbound: Boolean(id && secret),
    fallbackTemplateId: read(env, 'WECHAT_FALLBACK_TEMPLATE_ID'),
  };
}

function parseWecom(env: Env): WecomConfig {
  requireWith(env, 'WECOM_TOKEN', 'WECOM_CORPID');
  requireWith(env, 'WECOM_TOKEN', 'WECOM_AES_KEY');
  // the AgentID of every callback is checked against it (a corp's apps can share Token and key)
  requireWith(env, 'WECOM_TOKEN', 'WECOM_AGENTID');
  requireWith(env, 'WECOM_SECRET', 'WECOM_CORPID');
  requireWith(env, 'WECOM_SECRET', 'WECOM_AGENTID');
  const id = read(env, 'WECOM_CORPID') ?? '';
  const token = read(env, 'WECOM_TOKEN');
  const aesKey = checkAesKey(env, 'WECOM_AES_KEY');
  const secret = read(env, 'WECOM_SECRET');
  return {
    id,
    token,
    aesKey,
    secret,
    agentId: parseWith(env, 'WECOM_AGENTID', z.coerce.number().int().min(1, 'must be the numeric AgentId'), 0),
    apiBase: apiBase(env, 'WECOM_API_BASE', REAL_WECOM_API_BASE),
    oauthBase: apiBase(env, 'WECOM_OAUTH_BASE', REAL_WECOM_OAUTH_BASE),
    ssoBase: apiBase(env, 'WECOM_SSO_BASE', REAL_WECOM_SSO_BASE),
    inbound: Boolean(id && token && aesKey),
    outbound: Boolean(id && secret),
  };
}

/** npm package names, optionally scoped: what WECHATY_PUPPET must look like. */
const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]{0,213}$/;

function parseWechaty(env: Env): WechatyConfig {
  requireWith(env, 'WECHATY_PUPPET_SERVICE_TOKEN', 'WECHATY_PUPPET');
  requireWith(env, 'WECHATY_MANAGERS_ROOM', 'WECHATY_PUPPET');
  const puppet = read(env, 'WECHATY_PUPPET');
  if (puppet !== undefined && !NPM_NAME.test(puppet)) {
    throw new ConfigError('WECHATY_PUPPET', `is "${puppet}": must be the puppet's npm package name, e.g. wechaty-puppet-service`);
  }
  const puppetToken = read(env, 'WECHATY_PUPPET_SERVICE_TOKEN');
  if (puppet === 'wechaty-puppet-service' && puppetToken === undefined) {
    throw new ConfigError('WECHATY_PUPPET_SERVICE_TOKEN', 'is missing: wechaty-puppet-service needs the token from your puppet provider');
  }
  const managersRoom = read(env, 'WECHATY_MANAGERS_ROOM');
  if (managersRoom !== undefined && [...managersRoom].length > 128) throw new ConfigError('WECHATY_MANAGERS_ROOM', 'must be a group topic or room id of at most 128 characters');
  return { puppet, puppetToken, managersRoom };
}

/** The admin API's bearer token: unset disables the API; a short one is guessable, so it stops the start. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

function parseAdminToken(env: Env): string | undefined {
  const token = read(env, 'ADMIN_TOKEN');
  if (token !== undefined && token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError('ADMIN_TOKEN', `is too short (${token.length} characters): use at least ${MIN_ADMIN_TOKEN_LENGTH} random characters (openssl rand -hex 32)`);
  }
  return token;
}

function parseDataKey(env: Env): string | undefined {
  const key = read(env, 'DATA_KEY');
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length !== 32) {
    throw new ConfigError('DATA_KEY', 'must be 32 random bytes in base64 (openssl rand -base64 32)');
  }
  return key;
}

function parseTimezone(env: Env): string {
  const tz = read(env, 'BOT_TIMEZONE') ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ConfigError('BOT_TIMEZONE', `is "${tz}": not an IANA time zone such as Asia/Shanghai`);
  }
  return tz;
}

/**
 * The console's development login lists the staff to choose from: whoever reaches the page is
 * anyone. It exists only for trying the console out with no platform at all, so any configured
 * platform (or the personal-WeChat channel) stops the start instead of running beside it.
 */
function parseConsole(env: Env, wechat: WechatConfig, wecom: WecomConfig, wechaty: WechatyConfig): Config['console'] {
  const devLogin = parseWith(env, 'CONSOLE_DEV_LOGIN', z.enum(['true', 'false']), 'false') === 'true';
  if (devLogin && (wechat.inbound || wechat.outbound || wecom.inbound || wecom.outbound || wechaty.puppet)) {
    throw new ConfigError('CONSOLE_DEV_LOGIN', 'is true while a platform is configured: the development login (choose any member of staff) runs only without WECHAT_*, WECOM_* and WECHATY_PUPPET');
  }
  return {
    devLogin,
    idleMinutes: parseWith(env, 'CONSOLE_IDLE_MINUTES', positiveInt.max(24 * 60, 'must be at most 1440'), 30),
    maxHours: parseWith(env, 'CONSOLE_SESSION_HOURS', positiveInt.max(24 * 7, 'must be at most 168'), 12),
    publicUrl: parseWith(env, 'CONSOLE_PUBLIC_URL', z.string().url('must be a URL such as https://bot.example.com/console').regex(/^https?:\/\//, 'must start with http:// or https://'), '').replace(/\/+$/, '') || undefined,
  };
}

export function loadConfig(env: Env = process.env): Config {
  const wechat = parseWechat(env);
  const wecom = parseWecom(env);
  const wechaty = parseWechaty(env);
  const config: Config = {
    port: parseWith(env, 'PORT', port, 3000),
    database: parseDatabase(env),
    wechat,
    wecom,
    wechaty,
    adminToken: parseAdminToken(env),
    trustProxy: parseWith(env, 'TRUST_PROXY', z.enum(['true', 'false']), 'false') === 'true',
    dataKey: parseDataKey(env),
    timezone: parseTimezone(env),
    logLevel: parseWith(
      env,
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    webhook: {
      maxClockSkewSeconds: parseWith(env, 'WEBHOOK_MAX_CLOCK_SKEW_SECONDS', nonNegativeInt, 300),
      maxBodyBytes: parseWith(env, 'WEBHOOK_MAX_BODY_BYTES', positiveInt, 16 * 1024),
      replyBudgetMs: parseWith(env, 'WEBHOOK_REPLY_BUDGET_MS', positiveInt.max(4500, 'must stay under WeChat’s 5 s'), 3500),
    },
    llm: env.LLM_BASE_URL
      ? {
          baseUrl: parseWith(env, 'LLM_BASE_URL', z.string().url(), ''),
          apiKey: env.LLM_API_KEY || undefined,
          model: parseWith(env, 'LLM_MODEL', z.string().min(1), 'qwen-plus'),
          timeoutMs: parseWith(env, 'LLM_TIMEOUT_MS', positiveInt.max(4000, 'must stay inside the reply budget'), 1500),
        }
      : undefined,
    outbox: {
      pollMs: parseWith(env, 'OUTBOX_POLL_MS', positiveInt, 1000),
      maxAttempts: parseWith(env, 'OUTBOX_MAX_ATTEMPTS', positiveInt, 8),
    },
    limits: {
      complaintMergeMinutes: parseWith(env, 'COMPLAINT_MERGE_MINUTES', nonNegativeInt, 60),
      ratePerMinute: parseWith(env, 'RATE_LIMIT_PER_MINUTE', nonNegativeInt, 20),
    },
    handoff: {
      acceptMinutes: parseWith(env, 'HANDOFF_ACCEPT_MINUTES', positiveInt, 5),
      idleMinutes: parseWith(env, 'HANDOFF_IDLE_MINUTES', positiveInt, 30),
      stallMinutes: parseWith(env, 'HANDOFF_STALL_MINUTES', positiveInt, 30),
      allowancePerMessage: parseWith(env, 'OA_CS_MESSAGES_PER_MESSAGE', positiveInt, 5),
      allowanceAfterEvent: parseWith(env, 'OA_CS_MESSAGES_AFTER_FOLLOW', positiveInt, 3),
      allowanceLowAt: parseWith(env, 'OA_CS_MESSAGES_LOW_AT', nonNegativeInt, 2),
    },
    leads: {
      acceptMinutes: parseWith(env, 'LEAD_ACCEPT_MINUTES', positiveInt, 30),
      contactHours: parseWith(env, 'LEAD_CONTACT_HOURS', positiveInt, 24),
    },
    workingHours: parseWith(
      env,
      'WORKING_HOURS',
      z
        .string()
        .regex(/^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$/, 'must look like 09:00-12:00,13:30-18:00')
        .transform((value) => value.split(',')),
      ['09:00-12:00', '13:30-18:00'],
    ),
    stepDueWorkingHours: parseWith(env, 'STEP_DUE_WORKING_HOURS', positiveInt, 8),
    holidaysFile: read(env, 'HOLIDAYS_FILE'),
    archives: {
      visitDays: parseWith(
        env,
        'VISIT_DAYS',
        z
          .string()
          .regex(/^\d{1,3}(,\d{1,3})*$/, 'must be days after arrival such as 3,30')
          .transform((value) => value.split(',').map(Number).sort((a, b) => a - b)),
        [3, 30],
      ),
      renewalReminderDays: parseWith(env, 'RENEWAL_REMINDER_DAYS', positiveInt, 7),
      shiftChanges: parseWith(
        env,
        'SHIFT_CHANGES',
        z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d(,([01]\d|2[0-3]):[0-5]\d)*$/, 'must be times such as 09:00,18:00')
          .transform((value) => value.split(',')),
        ['09:00', '18:00'],
      ),
    },
    reports: {
      monthlyCron: parseWith(env, 'MONTHLY_REPORT_CRON', z.string().refine((value) => cron.validate(value), 'must be a cron expression such as 0 9 1 * *'), '0 9 1 * *'),
    },
    jobsEnabled: parseWith(env, 'JOBS_ENABLED', z.enum(['true', 'false']), 'true') === 'true',
    retentionDays: parseWith(env, 'RETENTION_DAYS', positiveInt, 90),
    companyName: parseWith(env, 'COMPANY_NAME', z.string().max(60, 'must be at most 60 characters'), '成都市乡工汇家政服务有限公司'),
    console: parseConsole(env, wechat, wecom, wechaty),
    commitments: commitmentsFromEnv((name, schema, fallback) => parseWith(env, name, schema, fallback)),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import { Bot } from './app';
import { dataKeyRequiredBecause, resolveDataKey } from './data-key';
import { Database } from './entities/database';
import { installDataKey } from './entities/personal-data';
import { cronOf } from './jobs/runner';
import { createLogger } from './logger';

/**
 * The one start-up path: `npm start` (src/main.ts), `npm run simulate` (src/simulator/run.ts) and
 * `npm run seed:demo` go through here, so the bot the simulator shows is wired like production.
 */

/** Ends the process with the message that names the bad variable (exit code 2). */
export function exitOnConfigError(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** The configuration, or exit 2 with the message that names the bad variable. */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    exitOnConfigError(error);
    throw error;
  }
}

/**
 * Installs the personal-data key: DATA_KEY, or — only for the pure sandbox (SQLite, no platform) —
 * the development key kept beside the SQLite file. Throws ConfigError naming DATA_KEY otherwise.
 */
export function installPersonalDataKey(config: Config, log: Logger, options: KeyOptions = {}): void {
  if (options.key) {
    installDataKey(options.key);
    return;
  }
  const required = config.dataKey || options.sandbox ? undefined : dataKeyRequiredBecause(config);
  if (required) throw new ConfigError('DATA_KEY', `is missing: ${required}. Generate one with openssl rand -base64 32 and keep it safe`);
  const dataDir = config.database.kind === 'sqlite' ? join(config.database.file, '..') : 'data';
  installDataKey(resolveDataKey(config.dataKey, join(dataDir, 'data.key'), log));
}

export interface KeyOptions {
  /** A key given outright (base64), used instead of DATA_KEY. */
  key?: string;
  /**
   * The platforms are fake (the simulator's), so no real customer's data is stored: the
   * development key beside the SQLite file is allowed even though credentials are configured.
   */
  sandbox?: boolean;
}

/** Installs the personal-data key, then opens the database and runs pending migrations. */
export async function openDatabase(config: Config, log: Logger, key: KeyOptions = {}): Promise<Database> {
  installPersonalDataKey(config, log, key);
  return Database.open(config.database, { migrate: true });
}

export interface StartOptions {
  /** Where the bot logs (default: stdout at LOG_LEVEL). */
  log?: Logger;
  /** Listening port (default PORT); 0 picks a free one. */
  port?: number;
  /** Listening address (default: every interface). */
  host?: string;
  key?: KeyOptions;
  /** Runs after the migrations and before the bot is built (the simulator loads its demo data here). */
  beforeBot?: (db: Database) => Promise<void>;
  /** Run the scheduled jobs (default JOBS_ENABLED). */
  jobs?: boolean;
  /** Stop and exit 0 on SIGINT/SIGTERM (default true; false when the caller owns the process, as tests do). */
  signals?: boolean;
}

export interface RunningBot {
  config: Config;
  log: Logger;
  db: Database;
  bot: Bot;
  server: Server;
  /** The port actually listened on. */
  port: number;
  /** Stops the bot and its background work, then closes the database; a second call waits for the first. */
  stop(): Promise<void>;
}

function platformState(inbound: boolean, outbound: boolean): string {
  if (inbound && outbound) return 'configured';
  if (!inbound && !outbound) return 'sandbox (no credentials)';
  return inbound ? 'inbound only, outbound in sandbox' : 'outbound only (no callback token)';
}

/** Opens the database (key, migrations), builds the bot, listens, starts the background work. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const log = options.log ?? createLogger(config.logLevel);
  const db = await openDatabase(config, log, options.key);
  let bot: Bot;
  let server: Server;
  try {
    await options.beforeBot?.(db);
    bot = new Bot({ config, db, log });
    server = await bot.listen(options.port ?? config.port, options.host);
  } catch (error) {
    await db.close();
    throw error;
  }
  await bot.startBackground(options.jobs === undefined ? {} : { jobs: options.jobs });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const jobsOn = options.jobs ?? config.jobsEnabled;
  const wechat = platformState(config.wechat.inbound, config.wechat.outbound);
  const wecom = platformState(config.wecom.inbound, config.wecom.outbound);
  const wechaty = bot.wechaty?.describe() ?? 'off (WECHATY_PUPPET not set)';
  log.info(
    {
      port,
      database: config.database.kind === 'sqlite' ? `sqlite ${config.database.file}` : `mysql ${config.database.host}:${config.database.port}/${config.database.database}`,
      wechat,
      wecom,
      wechaty,
      adminApi: config.adminToken ? 'enabled' : 'disabled (set ADMIN_TOKEN)',
      jobs: jobsOn ? bot.jobs.jobs.map((job) => `${job.name} (${cronOf(job, config)})`) : 'disabled (JOBS_ENABLED=false)',
    },
    `售后服务助手 listening on :${port} — database ${config.database.kind}, WeChat OA ${wechat}, WeCom ${wecom}, Wechaty ${wechaty}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await bot.stop();
      await db.close();
    })());
  if (options.signals ?? true) {
    const shutdown = async (signal: string) => {
      log.info({ signal }, 'shutting down');
      await stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  }
  return { config, log, db, bot, server, port, stop };
}

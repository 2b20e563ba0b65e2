import 'reflect-metadata';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../config';
import type { Bot } from '../app';
import type { Database } from '../entities/database';
import { createLogger } from '../logger';
import { startBot } from '../startup';
import { AdminView } from './admin';
import { platformEnv } from './callbacks';
import { DEMO_STAFF, isEmpty, seedDemo } from './demo-data';
import { FakePlatform } from './fake-platform';
import { SimulatorServer } from './server';
import { SimulatorSession } from './session';

/**
 * `npm run simulate`: the real bot, in this process, with the simulator as both of its platforms.
 *
 * 1. the simulator's server starts (port 3100): the page, and the fake Tencent API under /cgi-bin;
 * 2. the bot starts (port 3000, or a free one) on data/simulator.sqlite, configured with the
 *    simulator's test credentials and WECHAT_API_BASE / WECOM_API_BASE pointing at the simulator;
 *    the demo data is loaded when the database has no stores and no staff yet;
 * 3. the page (or, with --cli, the terminal) talks to the bot through signed, encrypted callbacks.
 *
 * Options: --cli, --port N (simulator, 3100), --bot-port N (3000), --host H (127.0.0.1),
 * --db FILE (data/simulator.sqlite), --fresh-demo (load the demo even into a non-empty database),
 * --no-jobs, --verbose (bot logs on stdout instead of data/simulator.log).
 */

export interface SimulatorOptions {
  /** Simulator (page + fake API) port; 0 picks a free one. In CLI mode the fake API gets a free port. */
  port?: number;
  /** Bot port; 0 picks a free one; a busy port falls back to a free one. */
  botPort?: number;
  host?: string;
  /** SQLite file. */
  dbFile: string;
  /** base64 personal-data key; default: DATA_KEY, else the development key file beside the database. */
  dataKey?: string;
  /** Load the demo when the database is empty (default true); 'always' adds missing demo rows anyway. */
  demo?: boolean | 'always';
  /** Run the scheduled jobs (default true). */
  jobs?: boolean;
  adminToken?: string;
  /** Serve the page (default true); the CLI only needs the fake API. */
  web?: boolean;
  /** Where the bot's JSON log lines go (default: a file beside the database). */
  logStream?: Writable;
  logLevel?: string;
  /** Extra environment for the bot (BOT_TIMEZONE, COMMIT_*, …). */
  env?: Record<string, string | undefined>;
}

export interface RunningSimulator {
  /** The page (or, without web, the fake API). */
  url: string;
  botUrl: string;
  adminToken: string;
  db: Database;
  bot: Bot;
  platform: FakePlatform;
  session: SimulatorSession;
  admin: AdminView;
  server?: SimulatorServer;
  demoLoaded: boolean;
  logFile?: string;
  stop(): Promise<void>;
}

/** Environment variables a user may set for the simulated bot; platform and database ones are the simulator's. */
const PASSED_THROUGH = /^(BOT_TIMEZONE|COMMIT_.*|CONVERSATION_IDLE_MINUTES|WORKING_HOURS|LEAD_ACCEPT_MINUTES|LEAD_CONTACT_HOURS|STEP_DUE_WORKING_HOURS|HOLIDAYS_FILE|WEBHOOK_REPLY_BUDGET_MS|DATA_KEY)$/;

async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(false));
    probe.listen(port, host, () => probe.close(() => resolvePort(true)));
  });
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const web = options.web ?? true;
  const adminToken = options.adminToken ?? 'simulator-admin-token-not-for-production';
  const platform = new FakePlatform();
  // the console's WeCom login (http://…/console/) lets a person choose a demo member of staff
  platform.loginChoices = DEMO_STAFF.map((s) => ({ userId: s.wecomUserId, label: `${s.name}（${s.title}）` }));
  let server: SimulatorServer | undefined;
  let apiBase: string;
  if (web) {
    server = new SimulatorServer(platform);
    try {
      apiBase = await server.listen(options.port ?? 3100, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(`port ${options.port ?? 3100} is in use: is the simulator already running? Choose another with --port`);
      }
      throw error;
    }
  } else {
    apiBase = await platform.start(0, '127.0.0.1');
  }

  let logFile: string | undefined;
  let logStream = options.logStream;
  if (!logStream) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    logFile = join(dirname(options.dbFile), 'simulator.log');
    logStream = createWriteStream(logFile, { flags: 'a' });
  }
  const log = createLogger(options.logLevel ?? 'info', logStream);

  const passed = Object.fromEntries(Object.entries(options.env ?? {}).filter(([name]) => PASSED_THROUGH.test(name)));
  let botPort = options.botPort ?? 3000;
  if (botPort !== 0 && !(await portIsFree(botPort, host))) botPort = 0;
  const config = loadConfig({
    ...passed,
    ...platformEnv(apiBase),
    DATABASE_URL: `sqlite:${options.dbFile}`,
    PORT: String(botPort || 3000),
    ADMIN_TOKEN: adminToken,
    OUTBOX_POLL_MS: '200',
    JOBS_ENABLED: options.jobs === false ? 'false' : 'true',
    LOG_LEVEL: 'info',
  });

  let demoLoaded = false;
  // the same start-up as npm start; the platforms are the simulator's fakes, so the development
  // key beside the SQLite file (or options.dataKey, or DATA_KEY) is allowed
  const running = await startBot(config, {
    log,
    port: botPort,
    host,
    key: { key: options.dataKey, sandbox: true },
    jobs: options.jobs ?? true,
    signals: false,
    async beforeBot(db) {
      if (options.demo === 'always' || ((options.demo ?? true) && (await isEmpty(db)))) {
        await seedDemo(db, { timeZone: config.timezone });
        demoLoaded = true;
      }
    },
  });
  const { bot, db } = running;
  const botUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${running.port}`;

  const session = new SimulatorSession({ botUrl, platform });
  const admin = new AdminView(botUrl, adminToken);
  server?.attach({ session, admin });
  log.info({ simulator: server?.url ?? apiBase, bot: botUrl }, 'simulator started');

  return {
    url: server?.url ?? apiBase,
    botUrl,
    adminToken,
    db,
    bot,
    platform,
    session,
    admin,
    server,
    demoLoaded,
    logFile,
    async stop() {
      session.close();
      await server?.stop();
      await running.stop();
      if (!web) await platform.stop();
      if (!options.logStream) await new Promise<void>((done) => logStream!.end(done));
    },
  };
}

interface Args {
  cli: boolean;
  port: number;
  botPort: number;
  host: string;
  db: string;
  freshDemo: boolean;
  jobs: boolean;
  verbose: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { cli: false, port: 3100, botPort: 3000, host: '127.0.0.1', db: 'data/simulator.sqlite', freshDemo: false, jobs: true, verbose: false };
  const number = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(flag, `is "${value}": must be a port number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--cli':
        args.cli = true;
        break;
      case '--port':
        args.port = number(flag, argv[++i]);
        break;
      case '--bot-port':
        args.botPort = number(flag, argv[++i]);
        break;
      case '--host':
        args.host = argv[++i] ?? args.host;
        break;
      case '--db':
        args.db = argv[++i] ?? args.db;
        break;
      case '--fresh-demo':
        args.freshDemo = true;
        break;
      case '--no-jobs':
        args.jobs = false;
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'npm run simulate [-- options]\n  --cli            terminal mode instead of the web page\n  --port N         simulator page and fake API (default 3100)\n  --bot-port N     the bot (default 3000; a busy port falls back to a free one)\n  --host H         listen address (default 127.0.0.1)\n  --db FILE        SQLite file (default data/simulator.sqlite)\n  --fresh-demo     add any missing demo rows even if the database is not empty\n  --no-jobs        do not run the scheduled jobs\n  --verbose        bot logs on stdout (default: data/simulator.log)\n',
        );
        process.exit(0);
      // falls through (exit)
      default:
        throw new ConfigError(flag, 'is not an option (try --help)');
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dbFile = resolve(args.db);
  const simulator = await startSimulator({
    port: args.port,
    botPort: args.botPort,
    host: args.host,
    dbFile,
    demo: args.freshDemo ? 'always' : true,
    jobs: args.jobs,
    web: !args.cli,
    env: process.env,
    logStream: args.verbose ? process.stdout : undefined,
    adminToken: process.env.ADMIN_TOKEN || undefined,
  });
  const shutdown = async () => {
    await simulator.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  const facts = [
    `  机器人 bot:        ${simulator.botUrl}  (admin API: Authorization: Bearer ${simulator.adminToken})`,
    `  数据库 database:   ${dbFile}${simulator.demoLoaded ? '  — 已载入演示数据 demo data loaded' : ''}`,
    `  日志 logs:         ${simulator.logFile ?? 'stdout'}`,
  ];
  if (args.cli) {
    process.stdout.write(`售后服务助手 · 终端模拟器 (terminal simulator)\n${facts.join('\n')}\n`);
    const { runCli } = await import('./cli');
    await runCli(simulator, process.stdin, process.stdout);
    await shutdown();
    return;
  }
  process.once('SIGINT', () => void shutdown());
  process.stdout.write(
    `\n售后服务助手 · 本地模拟器\n  打开 open:         ${simulator.url}\n${facts.join('\n')}\n  假腾讯接口 fake API: ${simulator.url}/cgi-bin/…\n按 Ctrl+C 退出 (Ctrl+C to stop)\n`,
  );
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(error instanceof ConfigError || /port .* is in use/.test((error as Error).message) ? `${(error as Error).message}\n` : `simulator failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}

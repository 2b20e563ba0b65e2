import 'reflect-metadata';
import { Bot } from './app';
import { configOrExit, exitOnConfigError, installPersonalDataKey } from './startup';
import { cronOf } from './jobs/runner';
import { Database } from './entities/database';
import { createLogger } from './logger';

function platformState(inbound: boolean, outbound: boolean): string {
  if (inbound && outbound) return 'configured';
  if (!inbound && !outbound) return 'sandbox (no credentials)';
  return inbound ? 'inbound only, outbound in sandbox' : 'outbound only (no callback token)';
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  installPersonalDataKey(config, log);
  const db = await Database.open(config.database, { migrate: true });
  const bot = new Bot({ config, db, log });
  await bot.listen(config.port);
  await bot.startBackground();
  log.info(
    {
      port: config.port,
      database: config.database.kind === 'sqlite' ? `sqlite ${config.database.file}` : `mysql ${config.database.host}:${config.database.port}/${config.database.database}`,
      wechat: platformState(config.wechat.inbound, config.wechat.outbound),
      wecom: platformState(config.wecom.inbound, config.wecom.outbound),
      wechaty: bot.wechaty?.describe() ?? 'off (WECHATY_PUPPET not set)',
      adminApi: config.adminToken ? 'enabled' : 'disabled (set ADMIN_TOKEN)',
      jobs: config.jobsEnabled ? bot.jobs.jobs.map((job) => `${job.name} (${cronOf(job, config)})`) : 'disabled (JOBS_ENABLED=false)',
    },
    `售后服务助手 listening on :${config.port} — database ${config.database.kind}, WeChat OA ${platformState(config.wechat.inbound, config.wechat.outbound)}, WeCom ${platformState(config.wecom.inbound, config.wecom.outbound)}, Wechaty ${bot.wechaty?.describe() ?? 'off (WECHATY_PUPPET not set)'}`,
  );
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await bot.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  exitOnConfigError(error); // a missing DATA_KEY: the message names it, no stack
  process.stderr.write(`startup failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { Bot } from '../../src/app';
import { Database } from '../../src/entities/database';
import { installDataKey } from '../../src/entities/personal-data';
import type { Handler } from '../../src/handlers/ports';
import { createLogger } from '../../src/logger';

/**
 * The real bot in a process of its own, for tests that kill it (test/bot/faults.test.ts).
 * Configured from the environment like src/main.ts (DATABASE_URL, DATA_KEY, credentials, API
 * bases). Its handler answers every message, except one whose text contains CHILD_HANG_MARKER:
 * that one hangs for ever, inside its transaction, until the process is killed. With
 * CHILD_HANDLER=real it runs the bot's own handlers instead (the two-instance storm test).
 * Stdout carries only "READY <port>" and "HANGING <sender>" lines; logs go to stderr.
 */

const marker = process.env.CHILD_HANG_MARKER ?? '[hang]';

const handler: Handler = async (ctx) => {
  if (ctx.event.type === 'text' && ctx.event.text.includes(marker)) {
    process.stdout.write(`HANGING ${ctx.event.from}\n`);
    await new Promise(() => undefined);
  }
  ctx.reply('已收到。');
};

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.dataKey) throw new Error('child-bot needs DATA_KEY');
  installDataKey(config.dataKey);
  const log = createLogger(config.logLevel, process.stderr);
  const db = await Database.open(config.database, { migrate: true });
  const bot = new Bot({ config, db, log, handler: process.env.CHILD_HANDLER === 'real' ? undefined : handler });
  const server = await bot.listen(0, '127.0.0.1');
  bot.startBackground();
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
}

main().catch((error) => {
  process.stderr.write(`child-bot failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from './entities/database';
import { Dispatcher } from './bot/dispatcher';
import { EvidenceStore } from './bot/evidence-store';
import { prepareWith } from './bot/llm/client';
import { InboundStore } from './bot/inbound-store';
import { enqueue, Outbox, type Transport } from './bot/outbox';
import { SandboxTransport } from './bot/sandbox';
import { WechatClient } from './bot/wechat/client';
import { wechatRouter } from './bot/wechat/route';
import { WechatTransport } from './bot/wechat/transport';
import { WecomClient } from './bot/wecom/client';
import { ResponseCodes } from './bot/wecom/response-codes';
import { wecomRouter } from './bot/wecom/route';
import { WecomTransport } from './bot/wecom/transport';
import { WechatyChannel } from './bot/wechaty/channel';
import { WechatyTransport } from './bot/wechaty/transport';
import type { Platform } from './bot/inbound-event';
import { adminApi } from './api';
import { adminGate } from './api/http';
import { consoleApp } from './api/console';
import { handleInbound } from './handlers';
import { JobRunner } from './jobs/runner';
import { JOBS } from './jobs/schedule';
import { systemClock, type Clock, type FlowContext, type Handler, type OutboundMessage, type QrCodes } from './handlers/ports';

/**
 * Wiring: config + database → platform clients, outbox, dispatcher → Koa app. No logic here.
 * Tests build the bot with a literal config, a test database, a controllable clock and their
 * own handler where they need one.
 */

export interface BotOptions {
  config: Config;
  db: Database;
  log: Logger;
  clock?: Clock;
  handler?: Handler;
}

export class Bot {
  readonly app: Koa;
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly dispatcher: Dispatcher;
  readonly responseCodes: ResponseCodes;
  readonly evidence: EvidenceStore;
  readonly jobs: JobRunner;
  /** The OA's parametric QR codes (linking a follower to their record, issue 15): only with OA credentials. */
  readonly qrCodes: QrCodes | undefined;
  /** Personal WeChat and groups, when WECHATY_PUPPET is set (wechaty is loaded at start, not here). */
  readonly wechaty: WechatyChannel | undefined;
  private server: Server | undefined;

  constructor(readonly options: BotOptions) {
    const { config, db, log } = options;
    // X-Forwarded-* are only believed behind a proxy that overwrites them (TRUST_PROXY=true);
    // otherwise any caller could choose the ip that logs and limits see
    this.app = new Koa({ proxy: config.trustProxy });
    this.clock = options.clock ?? systemClock;
    const now = () => this.clock.now();
    this.responseCodes = new ResponseCodes(db, now);
    this.evidence = new EvidenceStore(db, now);
    // one API client per platform: the outbox, the QR codes and the console's login share its
    // access token (a second client fetched and kept a token of its own)
    const wechatClient = config.wechat.outbound ? new WechatClient(config.wechat, db, log, now) : undefined;
    const wecomClient = config.wecom.outbound ? new WecomClient(config.wecom, db, log, now) : undefined;
    this.wechaty = config.wechaty.puppet
      ? new WechatyChannel({
          config: config.wechaty,
          logLevel: config.logLevel,
          log: log.child({ component: 'wechaty' }),
          receive: (event) => this.dispatcher.receive(event),
          onLogin: () => this.outbox.kick(),
        })
      : undefined;
    this.outbox = new Outbox(db, this.transports(wechatClient, wecomClient), log.child({ component: 'outbox' }), { ...config.outbox, now });
    this.dispatcher = new Dispatcher({
      db,
      store: new InboundStore(db, now),
      handler: options.handler ?? handleInbound,
      outbox: this.outbox,
      config,
      log: log.child({ component: 'dispatcher' }),
      clock: this.clock,
      responseCodes: this.responseCodes,
      prepare: prepareWith(config, log, now),
    });
    this.jobs = new JobRunner(JOBS, { db, config, clock: this.clock, log: log.child({ component: 'jobs' }), outbox: this.outbox });
    const apiLog = log.child({ component: 'api' });
    this.qrCodes = wechatClient;
    const api = adminApi(config, db, apiLog, this.jobs, this.evidence, now, this.qrCodes);
    const apiRoutes = api.routes();
    const apiMethods = api.allowedMethods();
    // first of all: nothing below runs for an /api spelling without the token
    this.app.use(adminGate(config.adminToken, apiLog, (ctx, next) => apiRoutes(ctx as never, () => apiMethods(ctx as never, next))));
    this.app.use(this.health().routes());
    // the staff console (工作台) under /console: WeCom login, session cookie, scoped JSON, forms, the built pages
    for (const middleware of consoleApp({
      config,
      db,
      log,
      evidence: this.evidence,
      now,
      exchange: wecomClient ? (code) => wecomClient.userIdForCode(code) : undefined,
      // a console action is delivered to the table of contents as WeCom would deliver it: same rules, same refusals
      perform: (userId, action) =>
        this.dispatcher.receive(
          { platform: 'wecom', appId: config.wecom.id || 'console', agentId: config.wecom.agentId ? String(config.wecom.agentId) : undefined, from: userId, createdAt: now(), messageId: `console-${randomUUID()}`, ...action },
          (_event, text) => text,
        ),
      // a console action with no chat equivalent (改派) runs as a flow step: one transaction, its messages through the outbox
      act: async <T>(work: (flow: FlowContext) => Promise<T>) => {
        const key = randomUUID();
        const { result, queued } = await db.write(async (manager) => {
          const messages: OutboundMessage[] = [];
          const result = await work({ db: manager, clock: this.clock, config, log: log.child({ component: 'console' }), send: (message) => messages.push(message) });
          await enqueue(manager, messages.map((message, index) => ({ dedupKey: `console:${key}:${index}`, message })), now());
          return { result, queued: messages.length };
        });
        if (queued > 0) this.outbox.kick();
        return result;
      },
    })) {
      this.app.use(middleware);
    }
    for (const router of [wechatRouter(config, this.dispatcher, log), wecomRouter(config, this.dispatcher, log)]) {
      this.app.use(router.routes()).use(router.allowedMethods());
    }
    this.app.on('error', (error) => log.debug({ err: error }, 'koa error after response'));
  }

  /** Platforms with credentials get their API client; the others a sandbox that only logs. */
  private transports(wechatClient: WechatClient | undefined, wecomClient: WecomClient | undefined): Record<Platform, Transport> {
    const { config, log } = this.options;
    return {
      wechat: wechatClient ? new WechatTransport(wechatClient, this.evidence, config.wechat.fallbackTemplateId) : new SandboxTransport('wechat', log, this.evidence),
      wecom: wecomClient ? new WecomTransport(wecomClient, this.responseCodes, this.evidence) : new SandboxTransport('wecom', log, this.evidence),
      wechaty: this.wechaty ? new WechatyTransport(this.wechaty, this.evidence) : new SandboxTransport('wechaty', log, this.evidence),
    };
  }

  private health(): Router {
    const router = new Router();
    router.get('/healthz', (ctx) => {
      ctx.body = { status: 'ok' };
    });
    router.get('/readyz', async (ctx) => {
      try {
        await this.options.db.ping();
        ctx.body = { status: 'ready', database: this.options.db.kind, outbox: await this.outbox.backlog() };
      } catch (error) {
        this.options.log.warn({ err: error }, 'readiness check: database does not answer');
        ctx.status = 503;
        ctx.body = { status: 'unavailable', database: this.options.db.kind };
      }
    });
    return router;
  }

  /**
   * Starts background work: outbox delivery, recovery of unfinished inbound messages, scheduled
   * jobs, and the Wechaty channel when configured (a failure there is logged, not thrown). It runs
   * after listen(), so nothing here waits on the database: the jobs' catch-up goes on in the
   * background and retries a lost connection (bot.jobs.caughtUp settles when it is done).
   */
  async startBackground(options: { jobs?: boolean } = {}): Promise<void> {
    this.outbox.start();
    this.dispatcher.startRecovery();
    if (options.jobs ?? this.options.config.jobsEnabled) await this.jobs.start();
    await this.wechaty?.start();
  }

  async listen(port: number, host?: string): Promise<Server> {
    const server = createServer(this.app.callback());
    // WeChat gives up after 5 s; a connection idle longer than that is not WeChat's
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    return server;
  }

  async stop(): Promise<void> {
    if (this.server) {
      const server = this.server;
      this.server = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.wechaty?.stop();
    await this.jobs.stop();
    await this.dispatcher.stop();
    await this.outbox.stop();
  }
}

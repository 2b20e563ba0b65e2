import type { Logger } from 'pino';
import type { Config, WechatyConfig } from '../../../config';
import { NetworkError, PlatformApiError } from '../api-client';
import type { InboundEvent } from '../inbound-event';
import { dispatchMessage, type AdapterContext } from './adapter';
import type { WechatyBot, WechatyModule, WechatyRoom } from './types';

/**
 * The personal-WeChat channel: loads wechaty only when WECHATY_PUPPET is set (an optional
 * dependency of ~166 MB, never imported statically), starts the puppet, hands messages to the
 * adapter and sends for the transport. A failure to start is logged and shown on the startup
 * line; the OA and WeCom keep working.
 */

export type WechatyState = 'stopped' | 'starting' | 'waiting_for_login' | 'logged_in' | 'failed';

/** A message the channel can never deliver (unknown group, unsupported kind): the outbox gives up at once. */
export class WechatyUndeliverable extends PlatformApiError {
  constructor(what: string) {
    super('wechaty', 404, what);
    this.name = 'WechatyUndeliverable';
  }
}

/** How long start() waits for the puppet before the bot goes on without it (it keeps connecting). */
const START_WAIT_MS = 15_000;

/** Typed as string so TypeScript does not look for the package: it may not be installed. */
const WECHATY_PACKAGE: string = 'wechaty';

const isModuleMissing = (error: unknown, name: string) =>
  (error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${name}'`);

/** Loads wechaty by dynamic import; a clear error when the optional package is not installed. */
export async function loadWechaty(): Promise<WechatyModule> {
  try {
    return (await import(WECHATY_PACKAGE)) as WechatyModule;
  } catch (error) {
    if (isModuleMissing(error, WECHATY_PACKAGE)) {
      throw new Error('WECHATY_PUPPET is set but the optional package wechaty is not installed: run `npm install` without --omit=optional, or `npm install wechaty@~1.20.2`');
    }
    throw error;
  }
}

/** Is the optional package installed? (tests skip without it) */
export function wechatyInstalled(puppet = 'wechaty-puppet-mock'): boolean {
  try {
    require.resolve(WECHATY_PACKAGE);
    require.resolve(puppet);
    return true;
  } catch {
    return false;
  }
}

export interface WechatyChannelOptions {
  config: WechatyConfig;
  logLevel: Config['logLevel'];
  log: Logger;
  /** The dispatcher: stores the event under its dedup key, runs the handler once. */
  receive(event: InboundEvent): Promise<unknown>;
  /** Called after login, e.g. to deliver what waited in the outbox. */
  onLogin?(): void;
}

/** A WeChat group id (puppet-service, padlocal, the mock puppet): `…@chatroom`. */
const ROOM_ID = /^[\w.-]{1,100}@chatroom$/;

/**
 * The managers' group, as resolved for this login. `unresolved`: not found yet (the bot may not be
 * a member yet, or the puppet has not synced its rooms); `refused`: several groups carry the
 * configured topic, so none of them can be trusted with alerts or decisions.
 */
type ManagersGroup = { state: 'unresolved' } | { state: 'bound'; id: string } | { state: 'refused'; reason: string };

/** Rooms named like the managers' group whose ignored messages were already logged (bounded). */
const MAX_REMEMBERED_IMPOSTORS = 100;

export class WechatyChannel {
  private bot: WechatyBot | undefined;
  private group: ManagersGroup = { state: 'unresolved' };
  private resolving: Promise<ManagersGroup> | undefined;
  private readonly impostors = new Set<string>();
  private current: WechatyState = 'stopped';
  private failure: string | undefined;
  private readonly inflight = new Set<Promise<void>>();
  /** While start() waits: a failure ends the wait at once. */
  private failedSignal: (() => void) | undefined;

  constructor(private readonly options: WechatyChannelOptions) {}

  get state(): WechatyState {
    return this.current;
  }

  get loggedIn(): boolean {
    return this.current === 'logged_in' && Boolean(this.bot?.isLoggedIn);
  }

  /** The running puppet (tests drive wechaty-puppet-mock's `mocker` through it). */
  get puppet(): unknown {
    return this.bot?.puppet;
  }

  /** The bot's own contact id once logged in. */
  get selfId(): string | undefined {
    return this.loggedIn ? this.bot?.currentUser.id : undefined;
  }

  /** For the startup line. */
  describe(): string {
    const puppet = this.options.config.puppet;
    const configured = this.options.config.managersRoom;
    const room = !configured
      ? ', no managers group'
      : this.group.state === 'refused'
        ? `, managers' group "${configured}" REFUSED: ${this.group.reason}`
        : `, managers' group "${configured}"${this.group.state === 'bound' ? ` (${this.group.id})` : ''}`;
    switch (this.current) {
      case 'logged_in':
        return `${puppet}, logged in${room}`;
      case 'waiting_for_login':
        return `${puppet}, waiting for login (scan the QR code in the log)${room}`;
      case 'failed':
        return `${puppet}, FAILED to start: ${this.failure}`;
      case 'starting':
        return `${puppet}, starting (the puppet is still connecting)${room}`;
      default:
        return `${puppet}, ${this.current}`;
    }
  }

  /**
   * Loads wechaty and the puppet and starts them. Never throws and never waits long: a failure is
   * logged and kept in `state`; a puppet still connecting after START_WAIT_MS goes on in the
   * background (the startup line then says "starting").
   */
  async start(): Promise<void> {
    const { config, log } = this.options;
    if (!config.puppet || this.bot) return;
    this.current = 'starting';
    let bot: WechatyBot;
    try {
      const wechaty = await loadWechaty();
      this.quietWechatyLog(wechaty);
      try {
        require.resolve(config.puppet);
      } catch {
        throw new Error(`WECHATY_PUPPET is ${config.puppet} but that package is not installed: npm install ${config.puppet}`);
      }
      bot = wechaty.WechatyBuilder.build({ puppet: config.puppet, puppetOptions: config.puppetToken ? { token: config.puppetToken } : undefined });
      this.bot = bot;
      this.wire(bot, wechaty);
    } catch (error) {
      await this.fail(error);
      return;
    }
    process.on('unhandledRejection', this.guard);
    const started = bot.start().then(
      () => {
        if (this.bot !== bot || this.current === 'failed') return;
        if (this.current === 'starting') this.current = bot.isLoggedIn ? 'logged_in' : 'waiting_for_login';
        log.info({ puppet: config.puppet, state: this.current }, 'wechaty channel started');
      },
      (error) => this.fail(error),
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), START_WAIT_MS);
      timer.unref();
    });
    const failed = new Promise<'failed'>((resolve) => {
      this.failedSignal = () => resolve('failed');
    });
    if ((await Promise.race([started, waited, failed])) === 'waiting') {
      log.warn({ puppet: config.puppet, waitedMs: START_WAIT_MS }, 'wechaty is still starting: the bot runs on, the channel joins when its puppet is connected');
    }
    clearTimeout(timer);
    this.failedSignal = undefined;
  }

  async stop(): Promise<void> {
    const bot = this.bot;
    this.bot = undefined;
    if (bot) {
      await bot.stop().catch((error) => this.options.log.warn({ err: error }, 'wechaty did not stop cleanly'));
      this.current = 'stopped';
    }
    process.off('unhandledRejection', this.guard);
    await Promise.allSettled([...this.inflight]);
  }

  private async fail(error: unknown): Promise<void> {
    if (this.current === 'failed') {
      this.options.log.debug({ err: error }, 'wechaty failed channel: another error');
      return;
    }
    this.current = 'failed';
    const message = (error as Error)?.message?.split('\n')[0]?.slice(0, 300) ?? String(error);
    this.failure = /wechaty-token/.test(String((error as Error)?.stack))
      ? `the puppet service for WECHATY_PUPPET_SERVICE_TOKEN could not be found (wrong token, or the service is unreachable): ${message}`
      : message;
    this.options.log.error({ err: error, puppet: this.options.config.puppet }, `wechaty channel failed: ${this.failure}`);
    this.failedSignal?.();
    const bot = this.bot;
    this.bot = undefined;
    await bot?.stop().catch(() => undefined);
  }

  /**
   * Some wechaty internals reject promises nobody awaits (wechaty-token with a token its
   * discovery cannot resolve throws inside a gRPC resolver): by default that ends the process,
   * OA and WeCom included. While the channel runs, such a rejection from wechaty's own packages
   * fails the channel if it is still starting, and is logged once it runs; any other unhandled
   * rejection is thrown on, as before.
   */
  private readonly guard = (reason: unknown): void => {
    const stack = String((reason as Error)?.stack ?? '');
    if (!/node_modules[\\/](wechaty|@juzi[\\/]wechaty|@grpc)/.test(stack)) throw reason;
    if (this.current === 'starting' || this.current === 'failed') void this.fail(reason);
    else this.options.log.error({ err: reason, state: this.current }, 'wechaty internal error (the channel goes on)');
  };

  /** Sends text to a contact or a group (the configured managers' group by its topic or id). */
  async say(to: string, text: string): Promise<string | undefined> {
    const bot = this.ready();
    const conversationId = await this.conversationId(bot, to);
    const sent = await bot.puppet.messageSendText(conversationId, text);
    return typeof sent === 'string' ? sent : undefined;
  }

  /** A customer's picture/voice/video, by the message id the adapter put in mediaId. */
  async fileOf(messageId: string): Promise<{ body: Buffer; contentType: string | null }> {
    const bot = this.ready();
    const message = await bot.Message.find({ id: messageId });
    if (!message) throw new WechatyUndeliverable(`message ${messageId.slice(0, 64)} is no longer known to the puppet`);
    const file = await message.toFileBox();
    return { body: await file.toBuffer(), contentType: file.mediaType && file.mediaType !== 'application/octet-stream' ? file.mediaType : null };
  }

  private ready(): WechatyBot {
    if (!this.bot || !this.bot.isLoggedIn) throw new NetworkError('wechaty', `not logged in (${this.current})`);
    return this.bot;
  }

  private async conversationId(bot: WechatyBot, to: string): Promise<string> {
    const configured = this.options.config.managersRoom;
    if (!configured || to !== configured) return to;
    const group = await this.managersGroup(bot);
    if (group.state === 'bound') return group.id;
    if (group.state === 'refused') throw new WechatyUndeliverable(`the managers' group is not used: ${group.reason}`);
    throw new WechatyUndeliverable(`the managers' group "${configured}" was not found: is the bot's account a member? (WECHATY_MANAGERS_ROOM)`);
  }

  /**
   * The managers' group of this login, resolved once and never re-bound (a contact could otherwise
   * make a group with the same name, add the bot, and receive every alert): by id when
   * WECHATY_MANAGERS_ROOM is a group id (`…@chatroom`), else by topic only when exactly one group
   * has it. Several → refused for this login, said in the log and on the startup line; the
   * one-to-one chats go on. Not found yet → tried again when an alert or a command needs it.
   */
  private managersGroup(bot: WechatyBot): Promise<ManagersGroup> {
    if (this.group.state !== 'unresolved') return Promise.resolve(this.group);
    this.resolving ??= this.resolveManagersGroup(bot).finally(() => {
      this.resolving = undefined;
    });
    return this.resolving;
  }

  private async resolveManagersGroup(bot: WechatyBot): Promise<ManagersGroup> {
    const configured = this.options.config.managersRoom;
    const log = this.options.log;
    if (!configured) return this.group;
    let found: WechatyRoom[];
    try {
      if (ROOM_ID.test(configured)) {
        const room = await bot.Room.find({ id: configured });
        found = room ? [room] : [];
      } else {
        const rooms = await bot.Room.findAll({ topic: configured });
        // the puppet's filter may match loosely: only the exact topic counts
        const topics = await Promise.all(rooms.map((room) => room.topic().catch(() => undefined)));
        found = rooms.filter((_room, i) => topics[i] === configured);
      }
    } catch (error) {
      log.warn({ err: error }, "wechaty: the managers' group could not be looked up yet");
      return this.group;
    }
    if (this.group.state !== 'unresolved') return this.group;
    if (found.length === 1) {
      this.group = { state: 'bound', id: found[0].id };
      log.info({ room: found[0].id }, "wechaty: managers' group bound for this login (set WECHATY_MANAGERS_ROOM to this id to pin it)");
    } else if (found.length > 1) {
      this.group = { state: 'refused', reason: `${found.length} groups are named "${configured}": set WECHATY_MANAGERS_ROOM to the id of the right one` };
      log.error({ rooms: found.map((room) => room.id) }, `wechaty: managers' group refused, no alerts and no decisions in any group (the one-to-one chats go on): ${this.group.reason}`);
    } else {
      log.warn("wechaty: the managers' group was not found (is the bot's account a member?): looked for again when it is needed");
    }
    return this.group;
  }

  /** Is this the managers' group bound at login? Another group with the same topic never is. */
  private async isManagersRoom(room: WechatyRoom): Promise<boolean> {
    const configured = this.options.config.managersRoom;
    if (!configured || !this.bot) return false;
    const group = await this.managersGroup(this.bot);
    if (group.state === 'bound' && room.id === group.id) return true;
    if (!this.impostors.has(room.id) && this.impostors.size < MAX_REMEMBERED_IMPOSTORS) {
      const topic = await room.topic().catch(() => undefined);
      if (topic === configured || room.id === configured) {
        this.impostors.add(room.id);
        warnImpostor(this.options.log, group, room.id);
      }
    }
    return false;
  }

  private wire(bot: WechatyBot, wechaty: WechatyModule): void {
    const log = this.options.log;
    bot.on('scan', (qrcode, status) => {
      const url = wechaty.qrcodeValueToImageUrl?.(qrcode) ?? qrcode;
      log.info({ qrcode: url, status }, 'wechaty: scan this QR code with the WeChat account of the bot to log in');
    });
    bot.on('login', (user) => {
      this.current = 'logged_in';
      this.group = { state: 'unresolved' };
      this.impostors.clear();
      log.info({ user: user.id }, 'wechaty logged in');
      // resolved before the outbox delivers what waited for this login
      void this.managersGroup(bot).finally(() => this.options.onLogin?.());
    });
    bot.on('logout', (user) => {
      this.current = 'waiting_for_login';
      log.warn({ user: user.id }, 'wechaty logged out: messages wait in the outbox until the next login');
    });
    bot.on('error', (error) => log.error({ err: error }, 'wechaty error'));
    bot.on('message', (message) => {
      let botId = 'unknown';
      try {
        botId = bot.currentUser.id;
      } catch {
        // not logged in any more: the message still counts, under an unknown appId
      }
      const context: AdapterContext = { botId, isManagersRoom: (room) => this.isManagersRoom(room), types: wechaty.types };
      const running = dispatchMessage(message, context, this.options.receive, log)
        .catch((error) => log.error({ err: error }, 'wechaty message handling failed'))
        .finally(() => this.inflight.delete(running));
      this.inflight.add(running);
    });
  }

  /** wechaty logs to the console through its own logger: warnings only, unless WECHATY_LOG says otherwise. */
  private quietWechatyLog(wechaty: WechatyModule): void {
    if (process.env.WECHATY_LOG) return;
    const level = this.options.logLevel === 'silent' ? 'silent' : this.options.logLevel === 'debug' || this.options.logLevel === 'trace' ? 'info' : 'warn';
    wechaty.log.level(level);
  }
}

function warnImpostor(logger: Logger, group: ManagersGroup, roomId: string): void {
  logger.warn(
    { room: roomId, managersGroup: group.state === 'bound' ? group.id : group.state },
    "wechaty: a command from another group named like the managers' group was ignored (it gets no alerts either)",
  );
}

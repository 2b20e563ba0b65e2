/**
 * The few parts of wechaty 1.x this channel uses, declared here on purpose: wechaty is an
 * OPTIONAL dependency (about 166 MB), so nothing may import its types statically — the bot must
 * type-check, build and run without it. These mirror wechaty's own declarations (1.20).
 */

/** A file attached to a message (wechaty's FileBox). */
export interface WechatyFileBox {
  name: string;
  mediaType?: string;
  toBuffer(): Promise<Buffer>;
}

export interface WechatyContact {
  id: string;
  name(): string;
}

export interface WechatyRoom {
  id: string;
  topic(): Promise<string>;
}

export interface WechatyMessage {
  id: string;
  /** Sent by the bot's own account (also from another device). */
  self(): boolean;
  /** wechaty-puppet's types.Message enum value. */
  type(): number;
  text(): string;
  talker(): WechatyContact;
  room(): WechatyRoom | undefined;
  date(): Date;
  toFileBox(): Promise<WechatyFileBox>;
}

export interface WechatyPuppet {
  messageSendText(conversationId: string, text: string): Promise<string | void>;
}

export type WechatyEvent = 'message' | 'scan' | 'login' | 'logout' | 'error';

export interface WechatyBot {
  on(event: 'message', listener: (message: WechatyMessage) => void): unknown;
  on(event: 'scan', listener: (qrcode: string, status: number) => void): unknown;
  on(event: 'login' | 'logout', listener: (user: WechatyContact) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly isLoggedIn: boolean;
  readonly currentUser: WechatyContact;
  readonly puppet: WechatyPuppet;
  Room: {
    find(query: { id?: string; topic?: string }): Promise<WechatyRoom | undefined>;
    /** Every group the puppet knows with this topic (the managers' group must be the only one). */
    findAll(query: { topic: string }): Promise<WechatyRoom[]>;
  };
  /** Searches the puppet's messages: pass { id } (a bare string searches by text). */
  Message: { find(query: { id: string }): Promise<WechatyMessage | undefined> };
}

/** The module `wechaty` as loaded by dynamic import. */
export interface WechatyModule {
  WechatyBuilder: { build(options: { puppet: string; puppetOptions?: Record<string, unknown> }): WechatyBot };
  /** wechaty-puppet's enums: types.Message.Text and so on. */
  types: { Message: Record<string, number | string> };
  log: { level(level: string): unknown };
  qrcodeValueToImageUrl?(value: string): string;
}

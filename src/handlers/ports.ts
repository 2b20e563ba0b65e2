import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Staff } from '../entities/staff';
import type { Understanding } from './understanding';

/**
 * What a flow may use. Handlers never see XML, crypto, Koa or HTTP: they say what should be
 * sent, and src/bot decides how (a passive reply, or the outbox and the platform API).
 */

/**
 * The one neutral event every platform adapter produces (OA XML, WeCom XML, Wechaty).
 * Handlers see only this: no XML, no crypto. src/bot/inbound-event.ts builds it.
 */
export type Platform = 'wechat' | 'wecom' | 'wechaty';

export interface EventBase {
  platform: Platform;
  /** OA: gh_ id; WeCom: corpid; Wechaty: the bot's own id. */
  appId: string;
  /** OA openid, WeCom UserID, Wechaty contact id. */
  from: string;
  /** Epoch ms of the platform's CreateTime. */
  createdAt: number;
  /** Platform message id (absent on events). */
  messageId?: string;
  agentId?: string;
  /** Wechaty room (group) id when the message was said in a group. */
  roomId?: string;
}

export type InboundEvent = EventBase &
  (
    | { type: 'text'; text: string }
    | { type: 'image'; mediaId: string; picUrl?: string }
    | { type: 'voice'; mediaId: string; format?: string; recognition?: string }
    | { type: 'video'; mediaId: string }
    | { type: 'location'; latitude: number; longitude: number; label?: string }
    | { type: 'subscribe'; sceneKey?: string }
    /** An existing follower scanned a parametric QR code (OA `SCAN`): the scene string, no prefix. */
    | { type: 'scan'; sceneKey: string }
    | { type: 'unsubscribe' }
    | { type: 'menu_click'; key: string }
    | { type: 'card_click'; key: string; taskId: string; responseCode?: string; cardType?: string; selected?: string[] }
  );

export interface Recipient {
  platform: Platform;
  /** openid, WeCom UserID, Wechaty contact or room id */
  id: string;
}

export interface CardButton {
  /** Parsed back by the flow that owns the card, e.g. `lead:42:accept`. */
  key: string;
  text: string;
  /** 1 primary (blue), 2 secondary, 3 red, 4 grey */
  style?: 1 | 2 | 3 | 4;
}

/** A neutral interactive card; src/bot/wecom renders it as a button_interaction template_card. */
export interface Card {
  /** Unique within the app and never reused (WeCom rule): `lead-42-1`. */
  taskId: string;
  source?: string;
  title: string;
  description?: string;
  /** Shown as a quote above the fields, e.g. "紧急" for serious incidents. */
  emphasis?: { title: string; description?: string };
  fields: { label: string; value: string }[];
  buttons: CardButton[];
  /** 详情: a link to the whole record (the console's case page), for what the card only summarises. */
  link?: { title: string; url: string };
}

export type OutboundMessage =
  | { type: 'text'; to: Recipient; text: string }
  | { type: 'markdown'; to: Recipient; markdown: string }
  | { type: 'card'; to: Recipient[]; card: Card }
  /** Replace every copy of a card with its decided state (who, what, when). */
  | { type: 'card_update'; to: Recipient[]; taskId: string; card: Card; decidedText: string }
  /** Not a message: download a customer's photo/voice/video before the platform expires it (3 days). */
  | { type: 'fetch_media'; to: Recipient; mediaId: string; evidenceId: number }
  /** A stored evidence file (a customer's photo, voice, video) shown to a member of staff as media; waits until it is fetched. */
  | { type: 'evidence'; to: Recipient; evidenceId: number }
  /**
   * A picture (a report chart): WeCom uploads it as temporary media, then sends it. Kept small:
   * the outbox stores it, base64 inside an encrypted TEXT payload (64 KB on MySQL).
   */
  | { type: 'image'; to: Recipient; png: string /* base64 */; filename: string }
  /**
   * A document (a form as PDF): WeCom uploads it as a temporary file, then sends it. Like images it
   * travels base64 inside the outbox's encrypted payload, so it is kept under MAX_FILE_BYTES.
   */
  | { type: 'file'; to: Recipient; data: string /* base64 */; filename: string };

/** The largest file the outbox carries (base64 and encryption grow it ~1.8×; MySQL TEXT holds 64 KB). */
export const MAX_FILE_BYTES = 32 * 1024;

/**
 * The OA's parametric QR codes (PROTOCOL.md §10): src/bot/wechat calls qrcode/create and
 * showqrcode; handlers and the admin API only see this.
 */
export interface QrCodes {
  /** A temporary QR_STR_SCENE code; `expireSeconds` is always sent (at most 30 days). */
  create(scene: string, expireSeconds: number): Promise<{ ticket: string; url: string; expireSeconds: number }>;
  /** The code's picture, from showqrcode. */
  image(ticket: string): Promise<{ contentType: string; bytes: Buffer }>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What any flow step gets, from a message or from a scheduled job: one transaction, one outbox. */
export interface FlowContext {
  /** The transaction this step runs in: its writes and its messages commit together. */
  db: EntityManager;
  clock: Clock;
  config: Config;
  log: Logger;
  /** A message delivered through the outbox after the transaction commits. */
  send(message: OutboundMessage): void;
}

/** A flow step started by an inbound event. */
export interface HandlerContext extends FlowContext {
  event: InboundEvent;
  /** Answer the sender on the channel they wrote from. */
  reply(text: string): void;
  /** Worked out before the transaction (the language model is consulted there, never under the write lock). */
  prepared?: Prepared;
}

/** A customer's text understood ahead of the handler, perhaps with the language model's opinion. */
export interface Prepared {
  text: string;
  understanding: Understanding;
}

/**
 * The optional language model (issue 14, item 5): one chat completion, its answer's text, or null
 * when it timed out, failed, refused or is not configured. src/bot/llm speaks the HTTP.
 */
export interface Advisor {
  ask(system: string, user: string, timeoutMs: number): Promise<string | null>;
}

export type Handler = (ctx: HandlerContext) => Promise<void>;

/*
 * What a room gives the staff desk (src/handlers/staff/desk.ts) to be registered in the table of
 * contents (src/handlers/index.ts). `staff` is the sender's staff record, if any.
 */

/** A card button whose key starts with the room's prefix (`lead:42:accept`). */
export type StaffButton = (ctx: HandlerContext, staff: Staff | null, key: string, taskId: string) => Promise<void>;

/** A chat command (`进展 TS…`); the sender is active staff unless the command checks that itself. */
export type StaffCommand<S extends Staff | null = Staff> = (ctx: HandlerContext, staff: S, text: string) => Promise<void>;

/** Free text that may answer something waiting for this person; false when it is not such an answer. */
export type StaffAnswer = (ctx: HandlerContext, staff: Staff, text: string) => Promise<boolean>;

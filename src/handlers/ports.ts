import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { InboundEvent, Platform } from '../bot/inbound-event';

/**
 * What a flow may use. Handlers never see XML, crypto, Koa or HTTP: they say what should be
 * sent, and src/bot decides how (a passive reply, or the outbox and the platform API).
 */

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
}

export type OutboundMessage =
  | { type: 'text'; to: Recipient; text: string }
  | { type: 'markdown'; to: Recipient; markdown: string }
  | { type: 'card'; to: Recipient[]; card: Card }
  /** Replace every copy of a card with its decided state (who, what, when). */
  | { type: 'card_update'; to: Recipient[]; taskId: string; card: Card; decidedText: string }
  /** Not a message: download a customer's photo/voice/video before the platform expires it (3 days). */
  | { type: 'fetch_media'; to: Recipient; mediaId: string; evidenceId: number }
  /**
   * A picture (a report chart): WeCom uploads it as temporary media, then sends it. Kept small:
   * the outbox stores it, base64 inside an encrypted TEXT payload (64 KB on MySQL).
   */
  | { type: 'image'; to: Recipient; png: string /* base64 */; filename: string };

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
}

export type Handler = (ctx: HandlerContext) => Promise<void>;

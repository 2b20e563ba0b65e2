import type { Logger } from 'pino';
import type { InboundEvent } from '../inbound-event';
import type { WechatyMessage, WechatyModule, WechatyRoom } from './types';

/**
 * Wechaty messages → the neutral InboundEvent the OA and WeCom adapters produce:
 * platform 'wechaty', appId the bot's own id, from the contact id, messageId the Wechaty message
 * id (so a message the puppet delivers twice is deduplicated by the same inbound store, R-IN-1),
 * roomId for a group message.
 *
 * - the bot's own messages (also those typed on the phone) are ignored;
 * - one-to-one: text, and pictures/voice/video as image/voice/video events whose mediaId is the
 *   message id (the transport fetches the file through Wechaty for the case's evidence);
 *   other kinds (stickers, links, transfers…) are ignored;
 * - groups: only the managers' group, and only text that can be a command (同意/驳回): the rest of
 *   the group's conversation is never stored nor handled.
 */

/** WeChat caps a text message well below this; the OA adapter refuses longer ones. */
const MAX_TEXT_LENGTH = 8192;
/** A cheap test before anything is stored: handlers/approval-actions.ts parses the command itself. */
const MAYBE_GROUP_COMMAND = /(同意|驳回)/;

export interface AdapterContext {
  /** The bot's own contact id (the account the puppet is logged in as). */
  botId: string;
  /** Is this the configured managers' group? */
  isManagersRoom(room: WechatyRoom): Promise<boolean>;
  types: WechatyModule['types'];
}

export type Adapted = { event: InboundEvent } | { ignored: string };

export async function eventFromMessage(message: WechatyMessage, context: AdapterContext): Promise<Adapted> {
  if (message.self()) return { ignored: 'self' };
  const kinds = context.types.Message;
  const type = message.type();
  const base = {
    platform: 'wechaty' as const,
    appId: context.botId,
    from: message.talker().id,
    createdAt: message.date().getTime(),
    messageId: message.id,
  };
  const room = message.room();
  if (room) {
    if (type !== kinds.Text) return { ignored: 'group: not text' };
    const text = message.text().slice(0, MAX_TEXT_LENGTH);
    if (!MAYBE_GROUP_COMMAND.test(text)) return { ignored: 'group: not a command' };
    if (!(await context.isManagersRoom(room))) return { ignored: 'group: not the managers group' };
    return { event: { ...base, roomId: room.id, type: 'text', text } };
  }
  switch (type) {
    case kinds.Text:
      return { event: { ...base, type: 'text', text: message.text().slice(0, MAX_TEXT_LENGTH) } };
    case kinds.Image:
      return { event: { ...base, type: 'image', mediaId: message.id } };
    case kinds.Audio:
      return { event: { ...base, type: 'voice', mediaId: message.id } };
    case kinds.Video:
      return { event: { ...base, type: 'video', mediaId: message.id } };
    default:
      return { ignored: `type ${String(kinds[type] ?? type)}` };
  }
}

/** How long to wait before trying to store a message again when the database did not take it. */
const STORE_RETRY_MS = [500, 2000, 5000];

/**
 * Hands one adapted message to the dispatcher (no passive renderer: every reply goes through the
 * outbox to the contact or the group). Wechaty does not redeliver, so a message the database
 * could not store is tried a few more times before it is given up with an error line.
 */
export async function dispatchMessage(
  message: WechatyMessage,
  context: AdapterContext,
  receive: (event: InboundEvent) => Promise<unknown>,
  log: Logger,
): Promise<void> {
  const adapted = await eventFromMessage(message, context);
  if ('ignored' in adapted) {
    log.debug({ messageId: message.id, reason: adapted.ignored }, 'wechaty message ignored');
    return;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await receive(adapted.event);
      return;
    } catch (error) {
      if (attempt >= STORE_RETRY_MS.length) {
        log.error({ err: error, messageId: message.id }, 'wechaty message could not be stored: given up');
        return;
      }
      log.warn({ err: error, messageId: message.id, attempt: attempt + 1 }, 'wechaty message could not be stored: trying again');
      await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS[attempt]));
    }
  }
}

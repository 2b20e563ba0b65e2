import type { Card, OutboundMessage } from '../../handlers/ports';
import type { EvidenceStore } from '../evidence-store';
import { MAX_EVIDENCE_BYTES } from '../evidence-store';
import type { DeliveryResult, Transport } from '../outbox';
import { WechatyUndeliverable, type WechatyChannel } from './channel';
import { say } from '../../../config/say';

/**
 * Delivers neutral messages through Wechaty: text to a contact or a group (`say`); markdown as
 * plain text; a card as readable text. WeChat has no buttons: a card button whose key is a
 * command (the managers'-group copy made by handlers/approvals.ts, e.g. `同意 TS202611260001`) is
 * listed as what to reply; machine keys (`ap:…`, `lead:…`) are named as options in WeCom.
 * Customers' pictures, voice and video are fetched through the puppet into the evidence store.
 * While the account is not logged in, delivery fails and the outbox tries again later.
 */
export class WechatyTransport implements Transport {
  readonly sandbox = false;

  constructor(private readonly channel: WechatyChannel, private readonly evidence: EvidenceStore) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    switch (message.type) {
      case 'text':
        return { detail: await this.channel.say(message.to.id, message.text) };
      case 'markdown':
        return { detail: await this.channel.say(message.to.id, plainText(message.markdown)) };
      case 'card': {
        const text = cardText(message.card);
        const ids: string[] = [];
        for (const recipient of message.to) ids.push((await this.channel.say(recipient.id, text)) ?? '');
        return { detail: ids.filter(Boolean).join(',') || undefined };
      }
      case 'card_update': {
        const text = say('approvals.group.decidedCard', { title: message.card.title, decided: message.decidedText });
        for (const recipient of message.to) await this.channel.say(recipient.id, text);
        return {};
      }
      case 'fetch_media':
        return this.fetch(message.mediaId, message.evidenceId);
      case 'image':
        throw new WechatyUndeliverable('the Wechaty channel sends text only (no report images)');
      case 'file':
        throw new WechatyUndeliverable('the Wechaty channel sends text only (forms are sent in WeCom)');
      case 'evidence':
        throw new WechatyUndeliverable('the Wechaty channel sends text only (evidence files are shown in WeCom)');
    }
  }

  private async fetch(messageId: string, evidenceId: number): Promise<DeliveryResult> {
    let file;
    try {
      file = await this.channel.fileOf(messageId);
    } catch (error) {
      if (error instanceof WechatyUndeliverable) await this.evidence.fail(evidenceId);
      throw error;
    }
    if (file.body.length > MAX_EVIDENCE_BYTES) {
      await this.evidence.fail(evidenceId);
      throw new WechatyUndeliverable(`media of ${file.body.length} bytes is larger than ${MAX_EVIDENCE_BYTES}`);
    }
    await this.evidence.save(evidenceId, file.body, file.contentType);
    return { detail: `stored ${file.body.length} bytes` };
  }
}

/** WeCom markdown (bold, quotes, <font>) read as plain text. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/<\/?font[^>]*>/g, '')
    .replace(/\*\*(.*?)\*\*/g, '$1')
    .replace(/^>\s?/gm, '')
    .replace(/^#{1,6}\s+/gm, '');
}

/** A button key that is a command to type (not `ap:12:approve`, `lead:3:accept`). */
const isCommand = (key: string) => !/^[a-z_]+:/.test(key);

/** A card as a chat message: header, title, fields, and what to reply. */
export function cardText(card: Card): string {
  const lines: string[] = [];
  if (card.source) lines.push(`【${card.source}】`);
  const urgent = card.emphasis?.title === say('approvals.urgent');
  lines.push(urgent ? `🔴 ${card.title}` : card.title);
  if (card.description) lines.push(card.description);
  for (const field of card.fields) lines.push(`${field.label}：${field.value}`);
  if (card.emphasis && !urgent && card.emphasis.description) lines.push(`${card.emphasis.title}：${card.emphasis.description}`);
  const commands = card.buttons.filter((b) => isCommand(b.key));
  const elsewhere = card.buttons.filter((b) => !isCommand(b.key));
  if (commands.length > 0) {
    lines.push(say('approvals.group.replyIn'));
    for (const button of commands) lines.push(`· ${button.key}（${button.text}）`);
  }
  if (elsewhere.length > 0) lines.push(say('approvals.group.elsewhere', { choices: elsewhere.map((b) => b.text).join(' / ') }));
  return lines.join('\n');
}

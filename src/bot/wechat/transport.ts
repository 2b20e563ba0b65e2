import type { OutboundMessage } from '../../handlers/ports';
import { PlatformApiError } from '../api-client';
import type { DeliveryResult, Transport } from '../outbox';
import type { WechatClient } from './client';
import type { EvidenceStore } from '../evidence-store';
import { fetchEvidence } from '../media';
import { say } from '../../../config/say';

/** Outside the 48-hour customer-service window (PROTOCOL.md §6). */
const OUTSIDE_WINDOW = 45015;

/**
 * Delivers messages to customers on the OA. A message that must reach the customer but falls
 * outside the 48-hour window goes out as the configured template message instead, which
 * invites the customer back into the chat; without a template it is undeliverable (reason kept).
 */
export class WechatTransport implements Transport {
  readonly sandbox = false;

  constructor(private readonly client: WechatClient, private readonly evidence: EvidenceStore, private readonly fallbackTemplateId?: string) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    if (message.type === 'fetch_media') return fetchEvidence(this.client.api, this.evidence, message);
    if (message.type !== 'text' && message.type !== 'markdown') {
      throw new PlatformApiError('custom/send', 40008, `the Official Account cannot show a ${message.type}`);
    }
    const text = message.type === 'text' ? message.text : message.markdown;
    try {
      const sent = await this.client.sendText(message.to.id, text);
      return { detail: sent.msgid === undefined ? undefined : String(sent.msgid) };
    } catch (error) {
      if (!(error instanceof PlatformApiError) || error.errcode !== OUTSIDE_WINDOW || !this.fallbackTemplateId) throw error;
      const sent = await this.client.sendTemplate(message.to.id, this.fallbackTemplateId, {
        first: { value: say('common.template.first') },
        keyword1: { value: text.length > 20 ? `${text.slice(0, 19)}…` : text },
        remark: { value: say('common.template.remark') },
      });
      return { detail: `via template ${sent.msgid ?? ''}`.trim() };
    }
  }
}

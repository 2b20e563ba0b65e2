import type { OutboundMessage } from '../../handlers/ports';
import { NetworkError, PlatformApiError } from '../api-client';
import type { DeliveryResult, Transport } from '../outbox';
import type { WecomClient } from './client';
import { renderTemplateCard } from './cards';
import type { EvidenceStore } from '../evidence-store';
import { fetchEvidence } from '../media';
import { WHOLE_CARD, type ResponseCodes } from './response-codes';

/** Delivers neutral messages to WeCom members through the app (message/send, media/upload, update_template_card). */
export class WecomTransport implements Transport {
  readonly sandbox = false;

  constructor(private readonly client: WecomClient, private readonly codes: ResponseCodes, private readonly evidence: EvidenceStore) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    switch (message.type) {
      case 'text': {
        const sent = await this.client.send(message.to.id, { msgtype: 'text', text: { content: message.text } });
        return { detail: sent.msgid };
      }
      case 'markdown': {
        const sent = await this.client.send(message.to.id, { msgtype: 'markdown', markdown: { content: message.markdown } });
        return { detail: sent.msgid };
      }
      case 'image': {
        // upload on every attempt: a media_id from a failed earlier attempt may have expired
        const mediaId = await this.client.uploadImage(Buffer.from(message.png, 'base64'), message.filename);
        const sent = await this.client.send(message.to.id, { msgtype: 'image', image: { media_id: mediaId } });
        return { detail: sent.msgid };
      }
      case 'file': {
        // a form as PDF (the monthly 月度客户投诉汇总记录表): uploaded as a temporary file on every attempt
        const mediaId = await this.client.uploadImage(Buffer.from(message.data, 'base64'), message.filename, 'file', 'application/pdf');
        const sent = await this.client.send(message.to.id, { msgtype: 'file', file: { media_id: mediaId } });
        return { detail: sent.msgid };
      }
      case 'card': {
        const users = message.to.map((r) => r.id).join('|');
        const sent = await this.client.send(users, { msgtype: 'template_card', template_card: renderTemplateCard(message.card) });
        if (sent.response_code) await this.codes.remember(message.card.taskId, WHOLE_CARD, sent.response_code);
        return { detail: sent.msgid };
      }
      case 'card_update': {
        const code = await this.codes.newest(message.taskId);
        if (!code) throw new PlatformApiError('update_template_card', 81013, 'no unspent response_code for this card (expired or used)');
        const userIds = message.to.map((r) => r.id);
        await this.client.updateTemplateCard(userIds, code.code, renderTemplateCard(message.card, message.decidedText));
        // used only once WeCom took it: after a network error the outbox's retry has the code still
        await this.codes.markSpent(code);
        return { detail: `updated for ${userIds.length}` };
      }
      case 'fetch_media':
        return fetchEvidence(this.client.api, this.evidence, message);
      case 'evidence': {
        const stored = await this.evidence.load(message.evidenceId);
        if (!stored || stored.evidence.status === 'failed') throw new PlatformApiError('evidence', 40007, 'the customer\'s file could not be fetched');
        // the download runs on its own queue: try again shortly (the outbox backs off)
        if (stored.evidence.status !== 'stored') throw new NetworkError('evidence', 'not fetched yet');
        const kind = stored.evidence.mediaType === 'voice' ? 'voice' : stored.evidence.mediaType === 'video' ? 'video' : 'image';
        const mediaId = await this.client.uploadImage(stored.body, `evidence-${message.evidenceId}`, kind, stored.evidence.contentType ?? undefined);
        const sent = await this.client.send(message.to.id, { msgtype: kind, [kind]: { media_id: mediaId } });
        return { detail: sent.msgid };
      }
    }
  }
}

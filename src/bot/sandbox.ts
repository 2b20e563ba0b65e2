import type { Logger } from 'pino';
import type { OutboundMessage } from '../handlers/ports';
import type { EvidenceStore } from './evidence-store';
import type { DeliveryResult, Transport } from './outbox';

/**
 * Stands in for a platform whose credentials are missing: the outbox records the message as
 * delivered-to-sandbox and the log shows what would have been sent (type and recipient at info,
 * the content only at debug, since it carries personal data).
 */
export class SandboxTransport implements Transport {
  readonly sandbox = true;

  constructor(private readonly platform: string, private readonly log: Logger, private readonly evidence?: EvidenceStore) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    if (message.type === 'fetch_media') {
      // nothing to fetch from: the record stays, marked as not stored
      await this.evidence?.fail(message.evidenceId);
      this.log.info({ platform: this.platform, evidenceId: message.evidenceId }, 'sandbox: media not fetched (platform not configured)');
      return { detail: 'sandbox' };
    }
    if (message.type === 'image' || message.type === 'file') {
      // the picture or document itself stays out of the log: its size says enough
      const bytes = Buffer.byteLength(message.type === 'image' ? message.png : message.data, 'base64');
      this.log.info({ platform: this.platform, type: message.type, to: [message.to.id], filename: message.filename, bytes }, `sandbox: ${message.type} not sent (platform not configured)`);
      return { detail: 'sandbox' };
    }
    const to = 'to' in message ? (Array.isArray(message.to) ? message.to.map((r) => r.id) : [message.to.id]) : [];
    this.log.info({ platform: this.platform, type: message.type, to }, 'sandbox: message not sent (platform not configured)');
    this.log.debug({ platform: this.platform, message }, 'sandbox message content');
    return { detail: 'sandbox' };
  }
}

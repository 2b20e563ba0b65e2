import type { OutboundMessage } from '../handlers/ports';
import { dispositionOf, fetchMedia, type TokenedApi } from './api-client';
import { EvidenceStore, MAX_EVIDENCE_BYTES } from './evidence-store';
import type { DeliveryResult } from './outbox';

type FetchMedia = Extract<OutboundMessage, { type: 'fetch_media' }>;

/** Downloads a customer's media through the platform API and keeps it, encrypted, with the case. */
export async function fetchEvidence(api: TokenedApi, store: EvidenceStore, message: FetchMedia): Promise<DeliveryResult> {
  let fetched;
  try {
    fetched = await fetchMedia(api.base, api.tokens, message.mediaId, MAX_EVIDENCE_BYTES);
  } catch (error) {
    // expired or refused for good: the record says so; a passing failure is retried by the outbox
    if (dispositionOf(error) === 'permanent') await store.fail(message.evidenceId);
    throw error;
  }
  const { body, contentType } = fetched;
  await store.save(message.evidenceId, body, contentType);
  return { detail: `stored ${body.length} bytes` };
}

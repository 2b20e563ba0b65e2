import type { Advisor, InboundEvent, Prepared } from '../ports';
import { applyAdvice, parseAdvice, SYSTEM_PROMPT, understand } from '../understanding';

export interface PrepareDeps {
  advisor: Advisor;
  timeoutMs: number;
  timezone: string;
  now(): number;
}

/**
 * Before the transaction: a customer's text understood, and the language model asked when the
 * understanding is unsure. Staff (WeCom) texts and other events need nothing prepared.
 */
export async function prepareUnderstanding(event: InboundEvent, budgetMs: number, deps: PrepareDeps): Promise<Prepared | undefined> {
  if (event.type !== 'text' || event.platform === 'wecom') return undefined;
  const understanding = understand(event.text, deps.now(), deps.timezone);
  const timeoutMs = Math.min(deps.timeoutMs, budgetMs);
  if (!understanding.unsure || timeoutMs <= 0) return { text: event.text, understanding };
  const advice = parseAdvice(await deps.advisor.ask(SYSTEM_PROMPT, event.text, timeoutMs).catch(() => null));
  return { text: event.text, understanding: advice ? applyAdvice(understanding, advice) : understanding };
}

import type { Logger } from 'pino';
import type { Config } from '../../../config';
import type { Advisor } from '../../handlers/ports';
import { prepareUnderstanding } from '../../handlers/intake';
import type { Prepare } from '../dispatcher';

/**
 * An OpenAI-compatible chat-completions endpoint (a hosted Qwen or DeepSeek, a local Ollama) as the
 * handlers' Advisor. Every failure is an absent answer: the bot never needs the model. Logs say
 * what went wrong, never what the customer wrote.
 */
export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

export class ChatCompletionsAdvisor implements Advisor {
  constructor(private readonly settings: LlmSettings, private readonly log: Logger) {}

  async ask(system: string, user: string, timeoutMs: number): Promise<string | null> {
    const url = `${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: this.settings.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [{ role: 'system', content: system }, { role: 'user', content: user }],
        }),
        // the hard timeout covers the whole exchange, the body included
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        this.log.warn({ status: response.status }, 'language model answered with an error; the rules stand');
        return null;
      }
      const body = (await response.json()) as { choices?: { message?: { content?: unknown; refusal?: unknown } }[] };
      const message = body.choices?.[0]?.message;
      if (message?.refusal) {
        this.log.info('language model refused; the rules stand');
        return null;
      }
      return typeof message?.content === 'string' ? message.content : null;
    } catch (error) {
      const name = (error as Error).name;
      this.log.warn({ reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : name }, 'language model not answered; the rules stand');
      return null;
    }
  }
}

/** The dispatcher's prepare hook when LLM_BASE_URL is set; undefined otherwise (nothing is ever asked). */
export function prepareWith(config: Config, log: Logger, now: () => number): Prepare | undefined {
  const llm = config.llm;
  if (!llm) return undefined;
  const advisor = new ChatCompletionsAdvisor(llm, log.child({ component: 'llm' }));
  return (event, budgetMs) => prepareUnderstanding(event, budgetMs, { advisor, timeoutMs: llm.timeoutMs, timezone: config.timezone, now });
}

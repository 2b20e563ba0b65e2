import type { Card } from '../../handlers/ports';
import { say } from '../../../config/say';

/**
 * Renders the neutral Card as a WeCom button_interaction template_card (PROTOCOL.md §6).
 * Limits are WeCom's: a title of 36 characters, up to 6 horizontal fields, up to 6 buttons.
 */

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function renderTemplateCard(card: Card, decidedText?: string): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    card_type: 'button_interaction',
    source: { desc: clip(card.source ?? say('approvals.card.defaultSource'), 13) },
    main_title: { title: clip(card.title, 36), desc: card.description ? clip(card.description, 44) : undefined },
    horizontal_content_list: card.fields.slice(0, 6).map((field) => ({ keyname: clip(field.label, 5), value: clip(field.value || '—', 30) })),
    task_id: card.taskId,
  };
  if (card.emphasis) {
    rendered.quote_area = { type: 0, title: clip(card.emphasis.title, 20), quote_text: card.emphasis.description ?? '' };
  }
  // 详情: the console's case page, for what the card only summarises
  if (card.link) rendered.jump_list = [{ type: 1, title: clip(card.link.title, 13), url: card.link.url }];
  if (decidedText) rendered.sub_title_text = clip(decidedText, 80);
  rendered.button_list =
    card.buttons.length > 0
      ? card.buttons.slice(0, 6).map((button) => ({ text: clip(button.text, 10), style: button.style ?? 1, key: button.key }))
      : // a finished card keeps one grey button that says what happened (WeCom needs at least one)
        [{ text: clip(decidedText ?? say('approvals.card.decidedDefault'), 10), style: 4, key: `decided:${card.taskId}` }];
  return rendered;
}

import type { Customer } from '../../entities';
import type { Handoff } from '../../entities/handoff';
import type { Ticket } from '../../entities/ticket';
import { say } from '../../../config/say';
import type { Card, FlowContext, Recipient } from '../ports';
import { customerLabel } from '../customers';
import type { TranscriptLine } from './records';

/** The card a specialist (or the CS manager, or the person on call) gets for a hand-off. */

export type CardKind = 'new' | 'escalated' | 'paged' | 'passed';

interface SentCard {
  taskId: string;
  to: string[];
}

export function sentCards(handoff: Handoff): SentCard[] {
  try {
    return handoff.notified ? (JSON.parse(handoff.notified) as SentCard[]) : [];
  } catch {
    return [];
  }
}

export function handoffCard(handoff: Handoff, customer: Customer, ticket: Ticket, lines: TranscriptLine[], kind: CardKind, taskId: string, acceptMinutes: number): Card {
  const prefix = kind === 'escalated' ? say('handoff.card.escalated') : kind === 'paged' ? say('handoff.card.paged') : '';
  const reason = say(`handoff.card.reason.${handoff.reason as 'asked'}`);
  const said = lines.filter((line) => line.from === 'customer').slice(-4);
  return {
    taskId,
    source: say('handoff.card.source'),
    title: `${prefix}${say('handoff.card.title', { reason, customer: customerLabel(customer) || say('handoff.someCustomer', { id: customer.id }) })}`.slice(0, 36),
    description: say('handoff.card.waiting', { minutes: acceptMinutes }),
    emphasis: handoff.urgent ? { title: say('handoff.card.urgent'), description: reason } : undefined,
    fields: [
      { label: say('handoff.card.field.case'), value: ticket.number },
      ...said.map((line) => ({ label: say('handoff.card.field.said'), value: line.text.slice(0, 60) })),
    ],
    buttons: [
      { key: `ho:${handoff.id}:take`, text: say('handoff.card.take'), style: 1 },
      { key: `ho:${handoff.id}:pass`, text: say('handoff.card.pass'), style: 2 },
      { key: `ho:${handoff.id}:dismiss`, text: say('handoff.card.dismiss'), style: 4 },
    ],
  };
}

/** Sends the card and remembers where it went, so every copy can be closed when someone acts. */
export function sendCard(ctx: FlowContext, handoff: Handoff, card: Card, to: Recipient[]): string {
  ctx.send({ type: 'card', to, card });
  const cards = [...sentCards(handoff), { taskId: card.taskId, to: to.map((r) => r.id) }].slice(-5);
  return JSON.stringify(cards);
}

/** Every copy of the hand-off's cards shows who did what; the buttons go. */
export function closeCards(ctx: FlowContext, handoff: Handoff, decided: string): void {
  for (const sent of sentCards(handoff)) {
    ctx.send({
      type: 'card_update',
      to: sent.to.map((id) => ({ platform: 'wecom', id })),
      taskId: sent.taskId,
      card: { taskId: sent.taskId, source: say('handoff.card.source'), title: say('handoff.card.source'), fields: [], buttons: [] },
      decidedText: decided,
    });
  }
}

import type { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, requestApproval } from '../approvals';
import type { FlowContext } from '../ports';
import { customerLabel } from '../customers';
import { notifyCustomer } from './tickets';
import { surveyClosedTicket } from '../contracts';
import { HOUR_MS } from '../calendar';
import { say, sayName, type PlainKey } from '../../../config/say';

/**
 * After-sales requests (R-AS-1) follow the seed's flow: customer feedback → confirmation (warranty
 * or return window decided, the customer told which applies) → resolution (someone dispatched)
 * → feedback to the customer. Each step is a card to the role that owns it.
 */

interface StepDef {
  role: 'cs_specialist' | 'store_manager';
  title: PlainKey;
  needsText: boolean;
  choices: (kind: string) => ChoiceSpec[];
  hint?: PlainKey;
}

export const REQUEST_STEPS: Record<string, StepDef> = {
  confirm: {
    role: 'cs_specialist',
    title: 'cases.request.step.confirm',
    needsText: false,
    choices: (kind) =>
      kind === 'on_site' || kind === 'redo'
        ? [
            { key: 'in_warranty', text: say('cases.request.button.in_warranty'), style: 1 },
            { key: 'out_of_warranty', text: say('cases.request.button.out_of_warranty'), style: 2 },
          ]
        : kind === 'refund'
          ? [
              { key: 'within_window', text: say('cases.request.button.within_window'), style: 1 },
              { key: 'beyond_window', text: say('cases.request.button.beyond_window'), style: 2 },
            ]
          : [{ key: 'confirmed', text: say('cases.request.button.confirmed'), style: 1 }],
  },
  dispatch: { role: 'store_manager', title: 'cases.request.step.dispatch', needsText: true, choices: () => [], hint: 'cases.request.step.dispatch.hint' },
  resolve: { role: 'store_manager', title: 'cases.request.step.resolve', needsText: false, choices: () => [{ key: 'resolved', text: say('cases.request.button.resolved'), style: 1 }] },
};

export const isRequestStep = (step: string) => step in REQUEST_STEPS;

async function openRequestStep(ctx: FlowContext, ticket: Ticket, step: string): Promise<Approval> {
  const def = REQUEST_STEPS[step];
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  return requestApproval(ctx, {
    ticket,
    step,
    kind: 'service_request',
    role: def.role,
    title: say(def.title),
    description: ticket.summary.slice(0, 40),
    fields: [
      { label: say('common.field.number'), value: ticket.number },
      { label: say('common.field.kind'), value: sayName(`common.request.${ticket.category ?? 'other'}`, 'common.request.other') },
      { label: say('common.field.customer'), value: customerLabel(customer) },
    ],
    choices: def.choices(ticket.category ?? ''),
    needsText: def.needsText,
    textHint: def.hint ? `${ticket.number} ${say(def.hint)}` : undefined,
  });
}

export async function startServiceRequestWorkflow(ctx: FlowContext, ticket: Ticket, firstStep: 'confirm' | 'dispatch' = 'confirm'): Promise<void> {
  await openRequestStep(ctx, ticket, firstStep);
}


/** What the customer is told once the specialist has confirmed the request (the choice pressed). */
function confirmation(choice: string, caseNo: string, c: FlowContext['config']['commitments']): string {
  switch (choice) {
    case 'in_warranty':
      return say('cases.request.confirmed.in_warranty', { caseNo, hours: c.onSiteInWarrantyHours });
    case 'out_of_warranty':
      return say('cases.request.confirmed.out_of_warranty', { caseNo, hours: c.onSiteOutOfWarrantyHours });
    case 'within_window':
      return say('cases.request.confirmed.within_window', { caseNo, days: c.noReasonReturnDays });
    case 'beyond_window':
      return say('cases.request.confirmed.beyond_window', { caseNo, days: c.noReasonReturnDays });
    default:
      return say('cases.request.confirmed.confirmed', { caseNo });
  }
}

export async function requestStepDecided(ctx: FlowContext, approval: Approval, ticket: Ticket, choice: string, text: string | null): Promise<void> {
  const now = ctx.clock.now();
  const c = ctx.config.commitments;
  if (approval.step === 'confirm') {
    const onSiteHours = choice === 'in_warranty' ? c.onSiteInWarrantyHours : choice === 'out_of_warranty' ? c.onSiteOutOfWarrantyHours : null;
    const changes = { status: 'confirmed', updatedAt: now, onSiteDueAt: onSiteHours ? ticket.createdAt + onSiteHours * HOUR_MS : null };
    Object.assign(ticket, changes);
    await ctx.db.update(Ticket, { id: ticket.id }, changes);
    await notifyCustomer(ctx, ticket, confirmation(choice, ticket.number, c));
    await openRequestStep(ctx, ticket, 'dispatch');
    return;
  }
  if (approval.step === 'dispatch') {
    await ctx.db.update(Ticket, { id: ticket.id }, { status: 'dispatched', updatedAt: now });
    await notifyCustomer(ctx, ticket, say('cases.request.dispatched', { caseNo: ticket.number, plan: text ?? '' }));
    await openRequestStep(ctx, ticket, 'resolve');
    return;
  }
  await ctx.db.update(Ticket, { id: ticket.id }, { status: 'closed', closedAt: now, updatedAt: now });
  await notifyCustomer(ctx, ticket, say('cases.request.resolved', { caseNo: ticket.number }));
  await surveyClosedTicket(ctx, ticket);
}

import type { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, requestApproval } from '../approvals';
import type { FlowContext } from '../ports';
import { customerLabel } from '../customers';
import { notifyCustomer } from './tickets';
import { surveyClosedTicket } from '../contracts';
import { HOUR_MS } from '../calendar';

/**
 * After-sales requests (R-AS-1) follow the seed's flow: customer feedback → confirmation (warranty
 * or return window decided, the customer told which applies) → resolution (someone dispatched)
 * → feedback to the customer. Each step is a card to the role that owns it.
 */

interface StepDef {
  role: 'cs_specialist' | 'store_manager';
  title: string;
  needsText: boolean;
  choices: (kind: string) => ChoiceSpec[];
  hint?: string;
}

export const REQUEST_STEPS: Record<string, StepDef> = {
  confirm: {
    role: 'cs_specialist',
    title: '售后申请：请与客户确认问题',
    needsText: false,
    choices: (kind) =>
      kind === 'on_site' || kind === 'redo'
        ? [
            { key: 'in_warranty', text: '保修期内（免费）', style: 1 },
            { key: 'out_of_warranty', text: '保修期外（收费）', style: 2 },
          ]
        : kind === 'refund'
          ? [
              { key: 'within_window', text: '无理由退款期内', style: 1 },
              { key: 'beyond_window', text: '超期·按合同处理', style: 2 },
            ]
          : [{ key: 'confirmed', text: '已确认需求', style: 1 }],
  },
  dispatch: { role: 'store_manager', title: '售后申请：请安排人员处理', needsText: true, choices: () => [], hint: '安排：人员、时间' },
  resolve: { role: 'store_manager', title: '售后申请：处理完成后请确认', needsText: false, choices: () => [{ key: 'resolved', text: '已解决', style: 1 }] },
};

export const isRequestStep = (step: string) => step in REQUEST_STEPS;

async function openRequestStep(ctx: FlowContext, ticket: Ticket, step: string): Promise<Approval> {
  const def = REQUEST_STEPS[step];
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  return requestApproval(ctx, {
    ticket,
    step,
    role: def.role,
    title: def.title,
    description: ticket.summary.slice(0, 40),
    fields: [
      { label: '编号', value: ticket.number },
      { label: '类型', value: ticket.category ?? '' },
      { label: '客户', value: customerLabel(customer) },
    ],
    choices: def.choices(ticket.category ?? ''),
    needsText: def.needsText,
    textHint: def.hint ? `${ticket.number} ${def.hint}` : undefined,
  });
}

export async function startServiceRequestWorkflow(ctx: FlowContext, ticket: Ticket, firstStep: 'confirm' | 'dispatch' = 'confirm'): Promise<void> {
  await openRequestStep(ctx, ticket, firstStep);
}


const CONFIRMATIONS: Record<string, (c: FlowContext['config']['commitments']) => string> = {
  in_warranty: (c) => `经确认在保修期内，本次服务免费，我们会在${c.onSiteInWarrantyHours}小时内安排人员上门。`,
  out_of_warranty: (c) => `经确认已超出保修期，本次服务需要收费（费用会先与您确认），我们会在${c.onSiteOutOfWarrantyHours}小时内安排人员上门。`,
  within_window: (c) => `您的申请在服务开始${c.noReasonReturnDays}天内，可无理由退款，我们会尽快为您办理。`,
  beyond_window: (c) => `您的申请已超过${c.noReasonReturnDays}天无理由退款期，将按合同约定处理，客服会与您沟通具体方案。`,
  confirmed: () => '您的需求已确认，门店正在为您安排。',
};

export async function requestStepDecided(ctx: FlowContext, approval: Approval, ticket: Ticket, choice: string, text: string | null): Promise<void> {
  const now = ctx.clock.now();
  const c = ctx.config.commitments;
  if (approval.step === 'confirm') {
    const onSiteHours = choice === 'in_warranty' ? c.onSiteInWarrantyHours : choice === 'out_of_warranty' ? c.onSiteOutOfWarrantyHours : null;
    const changes = { status: 'confirmed', updatedAt: now, onSiteDueAt: onSiteHours ? ticket.createdAt + onSiteHours * HOUR_MS : null };
    Object.assign(ticket, changes);
    await ctx.db.update(Ticket, { id: ticket.id }, changes);
    await notifyCustomer(ctx, ticket, `售后 ${ticket.number}：${CONFIRMATIONS[choice]?.(c) ?? CONFIRMATIONS.confirmed(c)}`);
    await openRequestStep(ctx, ticket, 'dispatch');
    return;
  }
  if (approval.step === 'dispatch') {
    await ctx.db.update(Ticket, { id: ticket.id }, { status: 'dispatched', updatedAt: now });
    await notifyCustomer(ctx, ticket, `售后 ${ticket.number}：已为您安排处理——${text ?? ''}`);
    await openRequestStep(ctx, ticket, 'resolve');
    return;
  }
  await ctx.db.update(Ticket, { id: ticket.id }, { status: 'closed', closedAt: now, updatedAt: now });
  await notifyCustomer(ctx, ticket, `售后 ${ticket.number} 已处理完毕。如仍有问题，直接回复我们即可。`);
  await surveyClosedTicket(ctx, ticket);
}

import { In, type EntityManager } from 'typeorm';
import { Approval, Lead, Ticket } from '../../entities';
import { hasRole, type Role, type Staff } from '../../entities/staff';
import { mayDecide, roleName, stepName } from '../approvals';
import { openCallTasksFor } from '../contracts';
import { openHandoffs } from '../handoff';
import { say } from '../../../config/say';

/**
 * 待办: what waits for this member of staff, oldest first with how long it has waited — the steps
 * they may decide, the leads assigned to them not yet accepted or contacted, and (for customer
 * service) the customers who asked for a person. The console's first page and `待办` in chat.
 */

export interface PendingItem {
  kind: 'step' | 'lead' | 'handoff' | 'call';
  /** The approval, lead or ticket id. */
  id: number;
  /** TS… / XS… */
  number: string | null;
  title: string;
  since: number;
  waitedMinutes: number;
  /** Where the console opens it: /cases/TS… or /leads/… */
  link: string;
}

const CS_ROLES: Role[] = ['cs_specialist', 'cs_manager'];

export async function pendingFor(db: EntityManager, staff: Staff, now: number): Promise<PendingItem[]> {
  const items: PendingItem[] = [];
  const roles = staff.roles.split(',').map((r) => r.trim()) as Role[];
  const steps = await db.find(Approval, { where: { status: 'pending', role: In(roles) }, order: { createdAt: 'ASC' }, take: 500 });
  const tickets = steps.some((s) => s.ticketId) ? await db.find(Ticket, { where: { id: In(steps.map((s) => s.ticketId).filter((id): id is number => id !== null)) } }) : [];
  const ticketOf = new Map(tickets.map((t) => [t.id, t]));
  for (const step of steps) {
    const ticket = step.ticketId ? ticketOf.get(step.ticketId) : undefined;
    if (!mayDecide(staff, step, ticket?.storeId ?? null)) continue;
    items.push({
      kind: 'step',
      id: step.id,
      number: ticket?.number ?? null,
      // the step as its card names it (请门店调查并回复调查报告), never its id
      title: `${roleName(step.role)} · ${stepName(step)}`,
      since: step.createdAt,
      waitedMinutes: 0,
      link: ticket ? `/cases/${ticket.number}` : '/',
    });
  }
  if (hasRole(staff, 'consultant')) {
    const leads = await db.find(Lead, { where: { consultantId: staff.id, status: In(['assigned', 'accepted']) }, order: { createdAt: 'ASC' }, take: 200 });
    for (const lead of leads) {
      items.push({ kind: 'lead', id: lead.id, number: lead.number, title: say(lead.status === 'assigned' ? 'staff.queue.leadAssigned' : 'staff.queue.leadAccepted'), since: lead.assignedAt ?? lead.createdAt, waitedMinutes: 0, link: `/leads?focus=${lead.id}` });
    }
  }
  if (CS_ROLES.some((role) => hasRole(staff, role))) {
    // hand-offs (R-HO): waiting ones for any CS member (or only the one it was passed to), live ones for their holder
    const covered = new Set<number>();
    for (const handoff of await openHandoffs(db)) {
      if (handoff.ticketId !== null) covered.add(handoff.ticketId);
      const mine = handoff.staffId === staff.id;
      if (handoff.staffId !== null && !mine) continue;
      const ticket = handoff.ticketId !== null ? await db.findOneBy(Ticket, { id: handoff.ticketId }) : null;
      const live = handoff.status === 'live';
      items.push({
        kind: 'handoff',
        id: ticket?.id ?? handoff.id,
        number: ticket?.number ?? null,
        title: live ? say('staff.queue.handoffLive') : say(mine ? 'staff.queue.handoffPassed' : 'staff.queue.handoffWaiting', { reason: say(`handoff.card.reason.${handoff.reason as 'asked' | 'not_understood' | 'upset' | 'stalled'}`) }),
        since: live ? (handoff.lastActivityAt ?? handoff.takenAt ?? handoff.createdAt) : handoff.createdAt,
        waitedMinutes: 0,
        link: ticket ? `/cases/${ticket.number}` : '/',
      });
    }
    const handoffs = await db.find(Ticket, { where: { kind: 'question', status: 'open' }, order: { createdAt: 'ASC' }, take: 200 });
    for (const ticket of handoffs.filter((t) => !covered.has(t.id))) {
      items.push({ kind: 'handoff', id: ticket.id, number: ticket.number, title: say(ticket.category === 'renewal' ? 'staff.queue.renewalQuestion' : 'staff.queue.askedForPerson'), since: ticket.createdAt, waitedMinutes: 0, link: `/cases/${ticket.number}` });
    }
  }
  // calls to customers without a reachable WeChat (issue 15): 约下次 ones wait from when they are due again
  for (const call of await openCallTasksFor(db, staff)) {
    if (call.nextAt !== null && call.nextAt > now) continue;
    const ticket = call.ticketId ? await db.findOneBy(Ticket, { id: call.ticketId }) : null;
    items.push({ kind: 'call', id: call.id, number: ticket?.number ?? null, title: say(`contracts.call.title.${call.purpose}`), since: call.nextAt ?? call.createdAt, waitedMinutes: 0, link: ticket ? `/cases/${ticket.number}` : '/' });
  }
  for (const item of items) item.waitedMinutes = Math.max(0, Math.floor((now - item.since) / 60_000));
  return items.sort((a, b) => a.since - b.since || a.id - b.id);
}

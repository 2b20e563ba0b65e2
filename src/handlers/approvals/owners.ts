import type { Approval } from '../../entities/approval';
import { hasRole, type Role, type Staff } from '../../entities/staff';
import type { Ticket } from '../../entities/ticket';
import type { FlowContext, HandlerContext } from '../ports';
import { mayDecide, type ChoiceSpec } from './steps';

/**
 * Every approval step belongs to a flow (a complaint, a service request, a penalty, a renewal…).
 * The flows register their steps in the table of contents (src/handlers/index.ts); the approval
 * code asks the owner, never imports the flows. Every refusal is answered and written to the log
 * as an audit line; nothing changes.
 */

/** Who owns a step: its buttons, who may press them, and what happens next. */
export interface StepOwner {
  choices(approval: Approval, ticket: Ticket | null): ChoiceSpec[];
  mayDecide(ctx: FlowContext, staff: Staff | null, approval: Approval, ticket: Ticket | null): Promise<boolean>;
  /** A final decision; may return a reply for the person who made it. */
  decided(ctx: FlowContext, approval: Approval, staff: Staff, ticket: Ticket | null, choice: string, text: string | null): Promise<string | void>;
  /** Words that cannot be this step's answer (an amount that is not a number): the refusal to reply. */
  validate?(approval: Approval, text: string): string | null;
  /** A button that records something and keeps the step open. */
  noted?(ctx: FlowContext, approval: Approval, staff: Staff, ticket: Ticket | null, choice: string): Promise<string>;
}

/** A flow's claim: the steps it owns, and their owner. */
export interface StepOwnership {
  owns(step: string): boolean;
  owner: StepOwner;
}

/** Any holder of the step's role (for a store step: of its store) may decide it. */
export const byRole = async (_ctx: FlowContext, staff: Staff | null, approval: Approval, ticket: Ticket | null) => mayDecide(staff, approval, ticket?.storeId ?? null);

/** The owners the table of contents registered, in order; the first that owns a step is its owner. */
export class StepOwners {
  private readonly ownerships: StepOwnership[] = [];

  add(ownership: StepOwnership): this {
    this.ownerships.push(ownership);
    return this;
  }

  of(approval: Approval): StepOwner | undefined {
    return this.ownerships.find((o) => o.owns(approval.step))?.owner;
  }
}

/** Holds the step's role, but in another store than the one the step belongs to. */
export function ofAnotherStore(staff: Staff | null, approval: Approval): boolean {
  return Boolean(staff?.active && hasRole(staff, approval.role as Role) && approval.storeId !== null && staff.storeId !== approval.storeId);
}

export function refuse(ctx: HandlerContext, reason: string, answer: string, facts: Record<string, unknown>): void {
  ctx.log.warn({ audit: 'approval_refused', reason, user: ctx.event.from, ...facts }, 'approval action refused');
  ctx.reply(answer);
}

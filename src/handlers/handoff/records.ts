import { In, type EntityManager } from 'typeorm';
import { Customer, InboundMessage, Staff } from '../../entities';
import { Handoff, HandoffMessage } from '../../entities/handoff';
import { hasRole } from '../../entities/staff';
import { customerLabel } from '../customers';
import { calendarFor } from '../calendar';
import type { FlowContext } from '../ports';
import { say } from '../../../config/say';
import { findRow } from '../../entities/rows';

/** The hand-off records: finding them, the holder's tags, the conversation so far, who is on duty. */

export const OPEN_STATUSES = ['waiting', 'live'];
const TAGS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'.split('');
/** How many of the customer's messages the card and the record keep. */
const TRANSCRIPT_LINES = 8;

export interface TranscriptLine {
  from: 'customer' | 'bot' | 'staff';
  text: string;
  at: number;
}

export const caseNo = (handoff: Pick<Handoff, 'id'>) => `#${handoff.id}`;

export function openHandoffOf(db: EntityManager, customerId: number): Promise<Handoff | null> {
  return findRow(db, Handoff, { customerId, status: OPEN_STATUSES }, { id: 'DESC' });
}

export function liveHandoffsOf(db: EntityManager, staffId: number): Promise<Handoff[]> {
  return db.find(Handoff, { where: { staffId, status: 'live' }, order: { id: 'ASC' } });
}

/** The first tag none of the holder's live conversations uses. */
export async function freeTag(db: EntityManager, staffId: number): Promise<string> {
  const used = new Set((await liveHandoffsOf(db, staffId)).map((h) => h.tag));
  return TAGS.find((tag) => !used.has(tag)) ?? String((await liveHandoffsOf(db, staffId)).length + 1);
}

export async function labelOf(db: EntityManager, customerId: number): Promise<string> {
  const customer = await db.findOneBy(Customer, { id: customerId });
  return customerLabel(customer) || say('handoff.someCustomer', { id: customerId });
}

/** The customer's recent words, read from the stored inbound messages (decrypted here, never logged). */
export async function recentWords(db: EntityManager, customer: Customer, limit = TRANSCRIPT_LINES): Promise<TranscriptLine[]> {
  if (!customer.platform || !customer.externalId) return [];
  const rows = await db.find(InboundMessage, { where: { platform: customer.platform, sender: customer.externalId }, order: { id: 'DESC' }, take: limit * 2 });
  const lines: TranscriptLine[] = [];
  for (const row of rows) {
    const event = row.event as { type?: string; text?: string; recognition?: string; createdAt?: number };
    const text = event.type === 'text' ? event.text : event.type === 'voice' ? event.recognition ?? say('handoff.transcript.voice') : event.type === 'image' ? say('handoff.transcript.image') : undefined;
    if (text) lines.push({ from: 'customer', text: text.slice(0, 200), at: row.receivedAt });
    if (lines.length >= limit) break;
  }
  return lines.reverse();
}

export function transcriptText(lines: TranscriptLine[], timeZone: string): string {
  if (lines.length === 0) return say('handoff.none');
  return lines.map((line) => `${new Date(line.at).toLocaleTimeString('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false })} ${say(line.from === 'customer' ? 'handoff.transcript.customer' : line.from === 'staff' ? 'handoff.transcript.staff' : 'handoff.transcript.bot')}：${line.text}`).join('\n');
}

export function addLine(db: EntityManager, handoff: Handoff, line: Omit<HandoffMessage, 'id' | 'handoffId' | 'customerId'>): Promise<HandoffMessage> {
  return db.save(db.create(HandoffMessage, { ...line, handoffId: handoff.id, customerId: handoff.customerId }));
}

export function isCsStaff(staff: Staff | null): staff is Staff {
  return Boolean(staff && staff.active && (hasRole(staff, 'cs_specialist') || hasRole(staff, 'cs_manager')));
}

export async function staffWithRole(db: EntityManager, role: 'cs_specialist' | 'cs_manager' | 'gm'): Promise<Staff[]> {
  return (await db.find(Staff, { where: { active: true }, order: { id: 'ASC' } })).filter((s) => hasRole(s, role));
}

/** Whether the company is at work now, on the business calendar (holidays and 调休 included). */
export function inWorkingHours(ctx: Pick<FlowContext, 'config' | 'log'>, at: number): boolean {
  return calendarFor(ctx).workingMs(at, at + 60_000, ctx.config.workingHours) > 0;
}

/** When `minutes` of working time have passed from `at` (the accept deadline). */
export function workingDeadline(ctx: Pick<FlowContext, 'config' | 'log'>, at: number, minutes: number): number {
  return calendarFor(ctx).addWorkingHours(at, minutes / 60, ctx.config.workingHours);
}

/** The next instant the company is at work (now if it is). */
export function nextOpening(ctx: Pick<FlowContext, 'config' | 'log'>, at: number): number {
  return calendarFor(ctx).addWorkingHours(at, 0, ctx.config.workingHours);
}

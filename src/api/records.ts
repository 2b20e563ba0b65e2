import Router from '@koa/router';
import { In } from 'typeorm';
import type { Database } from '../entities/database';
import { Approval, Customer, Evidence, Lead, Ticket, TicketEvent } from '../entities';
import type { EvidenceStore } from '../bot/evidence-store';
import { ApiError, idParam, iso, optionalString, paging } from './http';

/**
 * Read access to what the bot recorded: leads, tickets with their timeline, customers.
 * Personal fields come back decrypted only here, behind the admin token. Paths and field
 * names are a public contract.
 */

export function leadJson(lead: Lead) {
  return {
    id: lead.id,
    number: lead.number,
    status: lead.status,
    serviceType: lead.serviceType,
    channel: lead.channel,
    need: lead.need,
    district: lead.district,
    startDate: lead.startDate,
    customerId: lead.customerId,
    storeId: lead.storeId,
    consultantId: lead.consultantId,
    loggedBy: lead.loggedBy,
    createdAt: iso(lead.createdAt),
    assignedAt: iso(lead.assignedAt),
    acceptedAt: iso(lead.acceptedAt),
    contactedAt: iso(lead.contactedAt),
    closedAt: iso(lead.closedAt),
  };
}

export function ticketJson(ticket: Ticket) {
  return {
    id: ticket.id,
    number: ticket.number,
    kind: ticket.kind,
    severity: ticket.severity,
    category: ticket.category,
    status: ticket.status,
    channel: ticket.channel,
    summary: ticket.summary,
    customerId: ticket.customerId,
    storeId: ticket.storeId,
    housekeeperId: ticket.housekeeperId,
    ownerId: ticket.ownerId,
    loggedBy: ticket.loggedBy,
    createdAt: iso(ticket.createdAt),
    replyDueAt: iso(ticket.replyDueAt),
    feedbackDueAt: iso(ticket.feedbackDueAt),
    onSiteDueAt: iso(ticket.onSiteDueAt),
    closedAt: iso(ticket.closedAt),
  };
}

export function timelineJson(event: TicketEvent) {
  return { id: event.id, type: event.type, actor: event.actor, note: event.note, data: event.data ? JSON.parse(event.data) : null, at: iso(event.at) };
}

export function customerJson(customer: Customer) {
  return {
    id: customer.id,
    platform: customer.platform,
    openid: customer.externalId,
    name: customer.name,
    phone: customer.phone,
    address: customer.address,
    district: customer.district,
    channel: customer.channel,
    isMajor: customer.isMajor,
    storeId: customer.storeId,
    subscribed: customer.subscribed,
    createdAt: iso(customer.createdAt),
  };
}

async function customerIdsFor(db: Database, openid: string | undefined): Promise<number[] | undefined> {
  if (!openid) return undefined;
  return (await db.reader.find(Customer, { where: { externalId: openid } })).map((c) => c.id);
}

/** A file name extension for the download, from the stored type (never from the customer's name for it). */
function extensionOf(mediaType: string, contentType: string | null): string {
  const byType: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'audio/amr': '.amr', 'audio/mpeg': '.mp3', 'audio/silk': '.silk', 'video/mp4': '.mp4' };
  const known = contentType ? byType[contentType.split(';')[0].trim().toLowerCase()] : undefined;
  if (known) return known;
  return mediaType === 'video' ? '.mp4' : mediaType === 'voice' ? '.amr' : '.bin';
}

export function recordRoutes(db: Database, evidence: EvidenceStore): Router {
  const router = new Router();

  router.get('/leads', async (ctx) => {
    const where: Record<string, unknown> = {};
    const status = optionalString(ctx, 'status');
    if (status) where.status = status;
    const channel = optionalString(ctx, 'channel');
    if (channel) where.channel = channel;
    const customers = await customerIdsFor(db, optionalString(ctx, 'openid'));
    if (customers) where.customerId = In(customers);
    const leads = await db.reader.find(Lead, { where, order: { id: 'DESC' }, ...paging(ctx) });
    ctx.body = { leads: leads.map(leadJson) };
  });

  router.get('/leads/:id', async (ctx) => {
    const lead = await db.reader.findOneBy(Lead, { id: idParam(ctx.params.id) });
    if (!lead) throw new ApiError(404, 'no such lead');
    const timeline = await db.reader.find(TicketEvent, { where: { leadId: lead.id }, order: { at: 'ASC', id: 'ASC' } });
    ctx.body = { ...leadJson(lead), timeline: timeline.map(timelineJson) };
  });

  router.get('/tickets', async (ctx) => {
    const where: Record<string, unknown> = {};
    const kind = optionalString(ctx, 'kind', ['complaint', 'service_request', 'question']);
    if (kind) where.kind = kind;
    const severity = optionalString(ctx, 'severity', ['ordinary', 'serious']);
    if (severity) where.severity = severity;
    const status = optionalString(ctx, 'status');
    if (status) where.status = status;
    const customers = await customerIdsFor(db, optionalString(ctx, 'openid'));
    if (customers) where.customerId = In(customers);
    const tickets = await db.reader.find(Ticket, { where, order: { id: 'DESC' }, ...paging(ctx) });
    ctx.body = { tickets: tickets.map(ticketJson) };
  });

  router.get('/tickets/:id', async (ctx) => {
    const ticket = await db.reader.findOneBy(Ticket, { id: idParam(ctx.params.id) });
    if (!ticket) throw new ApiError(404, 'no such ticket');
    const [timeline, approvals, evidence] = await Promise.all([
      db.reader.find(TicketEvent, { where: { ticketId: ticket.id }, order: { at: 'ASC', id: 'ASC' } }),
      db.reader.find(Approval, { where: { ticketId: ticket.id }, order: { id: 'ASC' } }),
      db.reader.find(Evidence, { where: { ticketId: ticket.id }, order: { id: 'ASC' } }),
    ]);
    ctx.body = {
      ...ticketJson(ticket),
      timeline: timeline.map(timelineJson),
      // the sign-offs of 门店问题处理详情表 and every other decision, who and when
      approvals: approvals.map((a) => ({ id: a.id, step: a.step, role: a.role, status: a.status, decision: a.decision, text: a.text, decidedBy: a.decidedBy, decidedAt: iso(a.decidedAt), dueAt: iso(a.dueAt), escalated: a.escalated })),
      evidence: evidence.map((e) => ({ id: e.id, mediaType: e.mediaType, contentType: e.contentType, size: e.size, status: e.status, receivedAt: iso(e.receivedAt), fetchedAt: iso(e.fetchedAt), download: `/api/evidence/${e.id}` })),
    };
  });

  router.get('/evidence/:id', async (ctx) => {
    const loaded = await evidence.load(idParam(ctx.params.id));
    if (!loaded) throw new ApiError(404, 'no such evidence');
    if (loaded.evidence.status !== 'stored') throw new ApiError(409, `evidence not stored (status ${loaded.evidence.status})`);
    // the type is whatever the platform (or a customer's file) claimed: a browser must neither
    // sniff it into HTML nor render it inline on the admin origin, only save it
    ctx.type = loaded.evidence.contentType ?? 'application/octet-stream';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.attachment(`evidence-${loaded.evidence.id}${extensionOf(loaded.evidence.mediaType, loaded.evidence.contentType)}`);
    ctx.body = loaded.body;
  });

  router.get('/customers/:id', async (ctx) => {
    const customer = await db.reader.findOneBy(Customer, { id: idParam(ctx.params.id) });
    if (!customer) throw new ApiError(404, 'no such customer');
    ctx.body = customerJson(customer);
  });

  return router;
}

import { faqAnswer, GREETING, NOT_UNDERSTOOD, type FaqTopic } from '../../../config/faq';
import { Evidence, type Customer } from '../../entities';
import { Lead } from '../../entities/lead';
import { complaintAccepted, joinComplaint, openComplaint, recentOpenComplaint, upgradeToSerious } from '../cases';
import { Ticket } from '../../entities/ticket';
import { complaintPromise, leadPromise } from '../cases';
import { createLead, openLeadOf, setLeadStatus, updateLeadFacts } from '../leads';
import { submitLead } from '../leads';
import type { HandlerContext } from '../ports';
import { maskPhone, updateCustomer } from '../customers';
import { addTimeline } from '../records';
import { linkCaseTo, openHandoff, openServiceRequest, serviceRequestAccepted } from '../cases';
import { statusReport } from './status';
import { contractQuestion, contractsToChooseFrom, pickContract } from './contract-choice';
import { say } from '../../../config/say';
import { asksForPerson, handOff, notUnderstoodAgain, soundsUpset, understood as endStreak } from '../handoff';
import { answerSurvey } from '../contracts';
import { latestOpenTicket } from '../cases';
import { endDialogue, loadDialogue, saveDialogue, type ActiveDialogue, type Awaiting } from './conversation-state';
import { canSeparate, chosenIntent, extractSlots, FLOOR, type Intent, parseYesNo, separatingQuestion, type Slots, understand, type Understanding } from '../understanding';

/**
 * The customer's side of the conversation (R-IN-3): understand the message, create the record
 * from the first message that needs one, ask for what is missing one question at a time, and
 * tell the customer the number of their case and the commitment that applies.
 */

const QUESTIONS: Record<Awaiting, string> = {
  serviceType: say('intake.ask.serviceType'),
  district: say('intake.ask.district'),
  phone: say('intake.ask.phone'),
  name: say('intake.ask.name'),
  complaint_detail: say('intake.ask.complaint_detail'),
  safety_check: say('intake.ask.safety_check'),
  contract_choice: say('intake.ask.contract_choice'),
};

/** What a lead needs before it goes to a consultant, in the order we ask. */
const LEAD_REQUIRED: Awaiting[] = ['serviceType', 'district', 'phone'];
/** Asked once, never insisted on. */
const LEAD_OPTIONAL: Awaiting[] = ['name'];

const channelOf = (customer: Customer) => customer.platform ?? 'wechat';

/** A low survey score becomes a case that someone follows up (R-FU-2). */
async function followUpLowScore(ctx: HandlerContext, customer: Customer, summary: string): Promise<void> {
  const ticket = await openComplaint(ctx, customer, { severity: 'ordinary', category: 'quality', summary, channel: customer.platform ?? 'wechat' }, 'customer');
  ctx.reply(say('intake.lowScore', { caseNo: ticket.number, replyHours: ctx.config.commitments.replyHours }));
}

/**
 * An upset customer (R-HO-1) gets everything the bot would do anyway — a complaint is still
 * recorded — and a person as well, in one answer; urgent, so out of hours the person on call is paged.
 */
export async function handleCustomerText(ctx: HandlerContext, customer: Customer, text: string): Promise<void> {
  if (!soundsUpset(text) || asksForPerson(text)) return respond(ctx, customer, text);
  const said: string[] = [];
  await respond({ ...ctx, reply: (line) => said.push(line) }, customer, text);
  let ticket = await latestOpenTicket(ctx.db, customer.id);
  if (!ticket || ticket.kind !== 'complaint') ticket = await openComplaint(ctx, customer, { severity: 'ordinary', category: 'other', summary: text, channel: channelOf(customer) }, 'customer');
  const person = await handOff(ctx, customer, { reason: 'upset', text, urgent: true, ticketId: ticket.id });
  const kept = said.filter((line) => line !== NOT_UNDERSTOOD);
  ctx.reply([say('handoff.customer.upset'), ...(kept.length > 0 ? kept : [complaintAccepted(ctx, ticket)]), person].join('\n'));
}

async function respond(ctx: HandlerContext, customer: Customer, text: string): Promise<void> {
  const now = ctx.clock.now();
  // the customer asked for a person in words the rules may file elsewhere (真人, 找客服…)
  if (asksForPerson(text)) {
    await endStreak(ctx.db, customer.id, now);
    ctx.reply(await handOff(ctx, customer, { reason: 'asked', text }));
    return;
  }
  // a reply such as "5分" or "非常满意" while a survey is open is its answer
  const survey = await answerSurvey(ctx, customer, text);
  if (survey) {
    if (survey.lowScore) await followUpLowScore(ctx, customer, survey.lowScore.summary);
    return;
  }
  // understood before the transaction when the dispatcher prepared it (perhaps with the language model's help)
  const understood = ctx.prepared?.text === text ? ctx.prepared.understanding : understand(text, now, ctx.config.timezone);
  const dialogue = await loadDialogue(ctx.db, customer.id, now);
  if (!belowFloor(understood) || dialogue) await endStreak(ctx.db, customer.id, now);
  else if (understood.intent !== 'unknown' && !understood.slots.phone && (await notUnderstoodAgain(ctx.db, customer.id, now))) {
    // a second guess in a row below the floor: a person rather than acting on another guess (R-HO-1)
    ctx.reply(`${say('handoff.customer.notUnderstood')}${await handOff(ctx, customer, { reason: 'not_understood', text })}`);
    return;
  }
  if (dialogue?.flow === 'clarify' && dialogue.pending) return answerSeparating(ctx, customer, dialogue.pending, text, understood);
  if (dialogue && !switchesTopic(understood, dialogue)) {
    await continueDialogue(ctx, customer, dialogue, text, understood);
    return;
  }
  await startTopic(ctx, customer, text, understood);
}

/**
 * Whether a message counts as not understood for the hand-off rules (issue 14, item 4): nothing
 * understood it, or the classifier is below its floor on the rules' guess and the rules were not
 * sure (an explicit command scores 1, a serious complaint is never a guess to drop).
 */
function belowFloor(u: Understanding): boolean {
  if (u.intent === 'unknown' || u.unsure?.reason === 'floor') return true;
  return u.decidedBy === 'rules' && u.confidence < FLOOR && u.severity !== 'serious';
}

/** While a dialogue waits for an answer, only a clearly different request changes the subject. */
function switchesTopic(u: Understanding, dialogue: ActiveDialogue): boolean {
  // more about the same complaint continues it; a complaint during a booking is a new case
  if (u.intent === 'complaint') return dialogue.flow !== 'complaint';
  return ['status_query', 'human', 'service_request', 'renewal'].includes(u.intent) && u.intent !== dialogue.flow;
}

async function startTopic(ctx: HandlerContext, customer: Customer, text: string, u: Understanding): Promise<void> {
  await updateCustomer(ctx.db, customer, u.slots);
  if (u.unsure?.reason === 'between' && canSeparate(u.unsure.between)) return askToSeparate(ctx, customer, text, u.unsure.between);
  switch (u.intent) {
    case 'inquiry':
      return startLead(ctx, customer, text, u.slots);
    case 'complaint':
      return startComplaint(ctx, customer, text, u);
    case 'service_request':
      return startServiceRequest(ctx, customer, text, u);
    case 'status_query':
      ctx.reply(await statusReport(ctx.db, customer.id, ctx.config.timezone));
      return;
    case 'human':
      // R-HO-1: a person is really told (the card to the specialist on duty), and the customer hears when
      ctx.reply(await handOff(ctx, customer, { reason: 'asked', text }));
      return;
    case 'renewal': {
      const ticket = await openHandoff(ctx, customer, text, 'renewal');
      ctx.reply(await handOff(ctx, customer, { reason: 'asked', text, ticketId: ticket.id }));
      return;
    }
    case 'faq':
      ctx.reply(faqAnswer((u.faqTopic ?? 'scope') as FaqTopic, ctx.config.commitments));
      return;
    case 'greeting':
      ctx.reply(GREETING);
      return;
    case 'cancel':
      ctx.reply(say('intake.okAnythingElse'));
      return;
    default:
      // not understood twice in a row: a person takes over rather than a third 「没明白」 (R-HO-1)
      if (!u.slots.phone && (await notUnderstoodAgain(ctx.db, customer.id, ctx.clock.now()))) {
        ctx.reply(`${say('handoff.customer.notUnderstood')}${await handOff(ctx, customer, { reason: 'not_understood', text })}`);
        return;
      }
      ctx.reply(u.slots.phone ? say('intake.phoneNoted', { phone: maskPhone(u.slots.phone) }) : NOT_UNDERSTOOD);
  }
}

/**
 * The classifier hesitates between two intents: one question that separates them (issue 14,
 * item 4) rather than 「没太明白」; the answer settles what the first message asked for.
 */
async function askToSeparate(ctx: HandlerContext, customer: Customer, text: string, between: [Intent, Intent]): Promise<void> {
  const pending = { text, between };
  await saveDialogue(ctx.db, customer.id, { flow: 'clarify', awaiting: null, leadId: null, ticketId: null, slots: {}, asked: [], pending }, ctx.clock.now(), ctx.config.commitments.conversationIdleMinutes);
  ctx.reply(separatingQuestion(between));
}

async function answerSeparating(ctx: HandlerContext, customer: Customer, pending: { text: string; between: [Intent, Intent] }, answer: string, u: Understanding): Promise<void> {
  await endDialogue(ctx.db, customer.id, ctx.clock.now());
  const chosen = chosenIntent(answer, pending.between, u.intent);
  // an answer that picks neither is a message of its own
  if (!chosen) return startTopic(ctx, customer, answer, u);
  const first = understand(pending.text, ctx.clock.now(), ctx.config.timezone);
  const settled: Understanding = { ...first, intent: chosen, also: first.also.filter((i) => i !== chosen), unsure: undefined, confidence: 1, decidedBy: 'rules' };
  if (chosen === 'complaint' && !settled.severity) Object.assign(settled, { severity: 'ordinary', category: 'other' });
  return startTopic(ctx, customer, pending.text, settled);
}

async function startLead(ctx: HandlerContext, customer: Customer, text: string, slots: Slots): Promise<void> {
  const now = ctx.clock.now();
  const open = await openLeadOf(ctx.db, customer.id);
  if (open && open.status !== 'draft') {
    // asking again while a lead is open adds to it (its consultant is told) instead of a second one
    await updateLeadFacts(ctx.db, open, slots, now);
    await addTimeline(ctx.db, { leadId: open.id, type: 'customer_message', actor: 'customer', note: text, at: now });
    await submitLead(ctx, open, customer, { addition: text });
    ctx.reply(say('intake.leadAddition', { leadNo: open.number }));
    return;
  }
  const lead =
    open ?? (await createLead(ctx.db, customer, { need: text, serviceType: slots.serviceType, district: slots.district, startDate: slots.startDate, channel: channelOf(customer) }, now, ctx.config.timezone, 'customer'));
  if (open) await updateLeadFacts(ctx.db, open, slots, now);
  const dialogue: ActiveDialogue = { flow: 'lead', awaiting: null, leadId: lead.id, ticketId: null, slots: { ...slots }, asked: [] };
  await advanceLead(ctx, customer, dialogue, lead, slots.serviceType ? say('intake.lead.registeringService', { service: slots.serviceType }) : say('intake.lead.registering'));
}

/** Asks for the next missing fact of a lead, or submits it when nothing required is missing. */
async function advanceLead(ctx: HandlerContext, customer: Customer, dialogue: ActiveDialogue, lead: Lead, preface = ''): Promise<void> {
  const now = ctx.clock.now();
  const have: Record<Awaiting, boolean> = {
    serviceType: Boolean(lead.serviceType),
    district: Boolean(lead.district ?? customer.district),
    phone: Boolean(customer.phone),
    name: Boolean(customer.name),
    complaint_detail: true,
    safety_check: true,
    contract_choice: true,
  };
  const next = LEAD_REQUIRED.find((slot) => !have[slot]) ?? LEAD_OPTIONAL.find((slot) => !have[slot] && !dialogue.asked.includes(slot));
  if (next) {
    dialogue.awaiting = next;
    if (!dialogue.asked.includes(next)) dialogue.asked.push(next);
    await saveDialogue(ctx.db, customer.id, dialogue, now, ctx.config.commitments.conversationIdleMinutes);
    ctx.reply(`${preface}${QUESTIONS[next]}`);
    return;
  }
  if (!lead.district && customer.district) await updateLeadFacts(ctx.db, lead, { district: customer.district }, now);
  if (lead.status === 'draft') await setLeadStatus(ctx.db, lead, 'new', now, 'customer');
  await endDialogue(ctx.db, customer.id, now);
  const consultant = await submitLead(ctx, lead, customer, {});
  const who = customer.name ? say('intake.lead.who', { name: customer.name }) : '';
  const promise = consultant ? say('intake.lead.consultantPromise', { name: consultant.name, replyHours: ctx.config.commitments.replyHours }) : leadPromise(ctx.config.commitments);
  ctx.reply(
    say('intake.lead.registered', { preface, who, leadNo: lead.number, service: lead.serviceType ?? '', district: lead.district ?? '', phone: maskPhone(customer.phone), promise }),
  );
}

async function startComplaint(ctx: HandlerContext, customer: Customer, text: string, u: Understanding): Promise<void> {
  const bare = text.replace(/[\s，。！!,.]/g, '').length <= 6;
  if (bare && (!u.category || u.category === 'other')) {
    // "我要投诉" alone: ask what happened before opening a case with nothing in it
    await saveDialogue(ctx.db, customer.id, { flow: 'complaint', awaiting: 'complaint_detail', leadId: null, ticketId: null, slots: {}, asked: ['complaint_detail'] }, ctx.clock.now(), ctx.config.commitments.conversationIdleMinutes);
    ctx.reply(say('intake.complaintOpening', { question: QUESTIONS.complaint_detail }));
    return;
  }
  const open = await recentOpenComplaint(ctx, customer);
  if (open) return followUpForContact(ctx, customer, open.id, 'complaint', await joinComplaint(ctx, open, text, u.severity ?? 'ordinary'));
  const ticket = await openComplaint(ctx, customer, { severity: u.severity ?? 'ordinary', category: u.category, summary: text, channel: channelOf(customer) }, 'customer');
  const extra = u.also.includes('faq') && u.faqTopic ? say('intake.faqToo', { answer: faqAnswer(u.faqTopic as FaqTopic, ctx.config.commitments) }) : '';
  const accepted = `${complaintAccepted(ctx, ticket)}${extra}`;
  const choices = await contractsToChooseFrom(ctx.db, customer.id, text);
  if (choices) {
    await saveDialogue(ctx.db, customer.id, { flow: 'complaint', awaiting: 'contract_choice', leadId: null, ticketId: ticket.id, slots: {}, asked: ['contract_choice'] }, ctx.clock.now(), ctx.config.commitments.conversationIdleMinutes);
    ctx.reply(`${accepted}\n${await contractQuestion(ctx.db, choices)}`);
    return;
  }
  return afterContractKnown(ctx, customer, ticket, accepted);
}

/** Once the case's contract is settled: the safety question for an ordinary complaint, else a phone if needed. */
async function afterContractKnown(ctx: HandlerContext, customer: Customer, ticket: Ticket, accepted: string): Promise<void> {
  if (ticket.severity === 'ordinary') {
    // The text classifier can miss a theft or an injury phrased in a new way: ask the customer.
    await saveDialogue(ctx.db, customer.id, { flow: 'complaint', awaiting: 'safety_check', leadId: null, ticketId: ticket.id, slots: {}, asked: ['safety_check'] }, ctx.clock.now(), ctx.config.commitments.conversationIdleMinutes);
    ctx.reply(`${accepted}\n${QUESTIONS.safety_check}`);
    return;
  }
  await followUpForContact(ctx, customer, ticket.id, 'complaint', accepted);
}

async function answerSafetyCheck(ctx: HandlerContext, customer: Customer, dialogue: ActiveDialogue, text: string, u: Understanding): Promise<void> {
  const now = ctx.clock.now();
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: dialogue.ticketId! });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_message', actor: 'customer', note: text, at: now });
  const answer = parseYesNo(text);
  const serious = u.severity === 'serious' || answer === true || (answer === undefined && /有|丢|坏|伤/.test(text) && !/没有|没/.test(text));
  if (serious) {
    await upgradeToSerious(ctx, ticket, 'customer', say('cases.complaint.reason.customerConfirmed'));
    return followUpForContact(ctx, customer, ticket.id, 'complaint', say('cases.complaint.upgradedByCustomer', { caseNo: ticket.number, promise: complaintPromise(ctx.config.commitments, 'serious') }));
  }
  await followUpForContact(ctx, customer, ticket.id, 'complaint', say('intake.complaint.thanks'));
}

/** Which contract the complaint is about: the case takes its store and housekeeper (asked twice at most). */
async function answerContractChoice(ctx: HandlerContext, customer: Customer, dialogue: ActiveDialogue, text: string): Promise<void> {
  const now = ctx.clock.now();
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: dialogue.ticketId! });
  const choices = (await contractsToChooseFrom(ctx.db, customer.id, '')) ?? [];
  const picked = await pickContract(ctx.db, choices, text);
  if (!picked && dialogue.asked.length < 2) {
    await saveDialogue(ctx.db, customer.id, { ...dialogue, asked: [...dialogue.asked, 'contract_choice'] }, now, ctx.config.commitments.conversationIdleMinutes);
    ctx.reply(say('intake.contract.again', { count: choices.length }));
    return;
  }
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_message', actor: 'customer', note: text, at: now });
  if (!picked) return afterContractKnown(ctx, customer, ticket, say('intake.contract.later'));
  await linkCaseTo(ctx.db, ticket.id, { contract: picked.contract.number }, 'customer', now);
  return afterContractKnown(ctx, customer, ticket, say('intake.contract.noted', { contractNo: picked.contract.number, housekeeper: picked.label }));
}

async function startServiceRequest(ctx: HandlerContext, customer: Customer, text: string, u: Understanding): Promise<void> {
  const ticket = await openServiceRequest(ctx, customer, { requestKind: u.requestKind, summary: text, channel: channelOf(customer) }, 'customer');
  await followUpForContact(ctx, customer, ticket.id, 'service_request', await serviceRequestAccepted(ctx, ticket));
}

/** A case is open already; if we cannot call the customer back, ask for a phone once. */
async function followUpForContact(ctx: HandlerContext, customer: Customer, ticketId: number, flow: 'complaint' | 'service_request', accepted: string): Promise<void> {
  const now = ctx.clock.now();
  if (customer.phone) {
    await endDialogue(ctx.db, customer.id, now);
    ctx.reply(accepted);
    return;
  }
  await saveDialogue(ctx.db, customer.id, { flow, awaiting: 'phone', leadId: null, ticketId, slots: {}, asked: ['phone'] }, now, ctx.config.commitments.conversationIdleMinutes);
  ctx.reply(`${accepted}\n${QUESTIONS.phone}`);
}

async function continueDialogue(ctx: HandlerContext, customer: Customer, dialogue: ActiveDialogue, text: string, u: Understanding): Promise<void> {
  const now = ctx.clock.now();
  if (u.intent === 'cancel') return cancelDialogue(ctx, customer, dialogue);
  if (dialogue.flow === 'complaint' && dialogue.awaiting === 'safety_check' && dialogue.ticketId) {
    return answerSafetyCheck(ctx, customer, dialogue, text, u);
  }
  if (dialogue.flow === 'complaint' && dialogue.awaiting === 'contract_choice' && dialogue.ticketId) {
    return answerContractChoice(ctx, customer, dialogue, text);
  }
  if (dialogue.flow === 'complaint' && dialogue.awaiting === 'complaint_detail') {
    await endDialogue(ctx.db, customer.id, now);
    const detailed = understand(`投诉：${text}`, now, ctx.config.timezone); // input words: read as a complaint
    return startComplaint(ctx, customer, text, { ...detailed, severity: detailed.severity ?? 'ordinary', category: detailed.category ?? 'other' });
  }
  const slots = { ...extractSlots(text, now, ctx.config.timezone) };
  if (dialogue.awaiting === 'name' && !slots.name && /^[\u4e00-\u9fa5A-Za-z·]{1,6}$/.test(text.trim())) slots.name = text.trim();
  if (dialogue.awaiting === 'phone' && !slots.phone && /\d{5,}/.test(text)) {
    ctx.reply(say('intake.phoneIncomplete'));
    return;
  }
  await updateCustomer(ctx.db, customer, slots);
  dialogue.slots = { ...dialogue.slots, ...slots };
  if (dialogue.ticketId) {
    await addTimeline(ctx.db, { ticketId: dialogue.ticketId, type: 'customer_message', actor: 'customer', note: text, at: now });
    if (u.severity === 'serious') await upgradeToSerious(ctx, await ctx.db.findOneByOrFail(Ticket, { id: dialogue.ticketId }), 'customer', say('cases.complaint.reason.customerAdded'));
  }
  if (dialogue.flow === 'lead' && dialogue.leadId) {
    const lead = await ctx.db.findOneByOrFail(Lead, { id: dialogue.leadId });
    await updateLeadFacts(ctx.db, lead, slots, now);
    await addTimeline(ctx.db, { leadId: lead.id, type: 'customer_message', actor: 'customer', note: text, at: now });
    return advanceLead(ctx, customer, dialogue, lead);
  }
  await endDialogue(ctx.db, customer.id, now);
  ctx.reply(slots.phone ? say('intake.contactNoted', { phone: maskPhone(slots.phone) }) : say('intake.detailNoted'));
}

async function cancelDialogue(ctx: HandlerContext, customer: Customer, dialogue: ActiveDialogue): Promise<void> {
  const now = ctx.clock.now();
  if (dialogue.flow === 'lead' && dialogue.leadId) {
    const lead = await ctx.db.findOneByOrFail(Lead, { id: dialogue.leadId });
    if (lead.status === 'draft') await setLeadStatus(ctx.db, lead, 'cancelled', now, 'customer', say('intake.lead.cancelledNote'));
  }
  await endDialogue(ctx.db, customer.id, now);
  ctx.reply(dialogue.flow === 'lead' ? say('intake.lead.cancelled') : say('intake.case.continues'));
}

/** A photo, voice or video goes with the customer's newest open case (evidence), or is acknowledged. */
export async function attachMedia(ctx: HandlerContext, customer: Customer, media: { kind: string; mediaId: string }): Promise<void> {
  const now = ctx.clock.now();
  const ticket = await latestOpenTicket(ctx.db, customer.id);
  const label = say(media.kind === 'image' ? 'intake.media.image' : media.kind === 'voice' ? 'intake.media.voice' : 'intake.media.video');
  if (!ticket) {
    ctx.reply(say('intake.media.what', { kind: label }));
    return;
  }
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'media', actor: 'customer', data: { mediaType: media.kind, mediaId: media.mediaId }, at: now });
  // temporary media expire after 3 days: keep our own encrypted copy as evidence
  const evidence = await ctx.db.save(
    ctx.db.create(Evidence, { ticketId: ticket.id, platform: ctx.event.platform, mediaId: media.mediaId, mediaType: media.kind, contentType: null, size: 0, status: 'pending', receivedAt: now, fetchedAt: null }),
  );
  ctx.send({ type: 'fetch_media', to: { platform: ctx.event.platform, id: customer.externalId ?? ctx.event.from }, mediaId: media.mediaId, evidenceId: evidence.id });
  ctx.reply(say('intake.media.kept', { kind: label, caseNo: ticket.number }));
}

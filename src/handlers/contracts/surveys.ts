import { MoreThan, type EntityManager } from 'typeorm';
import { CASE_SURVEY_QUESTIONS, LOW_SCORE } from '../../../config/visit-scripts';
import { Customer } from '../../entities/customer';
import { Survey } from '../../entities/survey';
import { Ticket } from '../../entities/ticket';
import { Visit } from '../../entities/visit';
import { parseSurveyAnswer } from '../understanding';
import type { FlowContext, HandlerContext } from '../ports';
import { addTimeline } from '../records';
import { customerReachable, openCallTask } from './calls';
import { DAY_MS } from '../calendar';
import { say } from '../../../config/say';

/**
 * Satisfaction surveys (R-FU-2): after a case closes and on each customer visit, asked one
 * question at a time on the OA. Replies such as "5分", "非常满意", "不满意" are recognised while a
 * survey is open; on a low score the dialogue opens a ticket so someone follows up.
 */

/** An unanswered survey stops catching replies after this. */
const OPEN_FOR_MS = 7 * DAY_MS;

interface Answer {
  question: string;
  score: number;
  comment?: string;
}

/**
 * Sends a survey (once per source). OA customer-service messages only reach a customer inside
 * 48 hours of their last message; outside it the OA transport falls back to the configured
 * template message that invites them back into the chat.
 */
export type SurveyOutcome = 'sent' | 'called' | 'unreachable' | 'busy' | 'already_sent';

export async function sendSurvey(ctx: FlowContext, customer: Customer, source: 'ticket' | 'visit', sourceId: number, questions: string[], intro: string, housekeeperId: number | null): Promise<SurveyOutcome> {
  if (!customerReachable(ctx, customer)) {
    // no reachable WeChat: a person calls with the same questions, and the answer counts the same (R-ID-3)
    const ticket = source === 'ticket' ? await ctx.db.findOneBy(Ticket, { id: sourceId }) : null;
    const task = await openCallTask(ctx, { purpose: source === 'visit' ? 'visit' : 'survey', customer, ticket: ticket ?? undefined, visitId: source === 'visit' ? sourceId : undefined, cause: `${source === 'visit' ? 'visit' : 'survey:ticket'}:${sourceId}` });
    return task ? 'called' : 'already_sent';
  }
  if (await ctx.db.existsBy(Survey, { source, sourceId })) return 'already_sent';
  // one survey at a time: a second one would steal the answers meant for the first
  if (await openSurveyOf(ctx.db, customer.id, ctx.clock.now())) return 'busy';
  const survey = await ctx.db.save(
    ctx.db.create(Survey, { customerId: customer.id, source, sourceId, housekeeperId, status: 'open', questions: JSON.stringify(questions), current: 0, answers: [], score: null, sentAt: ctx.clock.now(), answeredAt: null }),
  );
  // customerReachable checked the openid is there
  ctx.send({ type: 'text', to: { platform: customer.platform as 'wechat', id: customer.externalId! }, text: `${intro}\n${questions[0]}` });
  ctx.log.info({ surveyId: survey.id, source, sourceId }, 'survey sent');
  return 'sent';
}

/** After a complaint is archived or a service request closed: one question about the handling. */
export async function surveyClosedTicket(ctx: FlowContext, ticket: Ticket): Promise<void> {
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  if (!customer) return;
  const kind = say(ticket.kind === 'complaint' ? 'cases.kind.complaint' : 'cases.kind.service_request');
  await sendSurvey(ctx, customer, 'ticket', ticket.id, CASE_SURVEY_QUESTIONS, say('contracts.survey.caseIntro', { kind, caseNo: ticket.number }), ticket.housekeeperId);
}

export async function openSurveyOf(db: EntityManager, customerId: number, now: number): Promise<Survey | null> {
  return db.findOne(Survey, { where: { customerId, status: 'open', sentAt: MoreThan(now - OPEN_FOR_MS) }, order: { id: 'DESC' } });
}

/**
 * A reply that answered the customer's open survey. `lowScore` is set when a score is low enough
 * that someone must follow up: the caller opens that case (surveys never open complaints).
 */
export interface SurveyReply {
  lowScore?: { summary: string };
}

/** Takes a customer's reply as the answer to their open survey; null when it is not one. */
export async function answerSurvey(ctx: HandlerContext, customer: Customer, text: string): Promise<SurveyReply | null> {
  // words that are no survey answer need no look-up
  const parsed = parseSurveyAnswer(text);
  if (!parsed) return null;
  const survey = await openSurveyOf(ctx.db, customer.id, ctx.clock.now());
  if (!survey) return null;
  const questions = JSON.parse(survey.questions) as string[];
  const answers = [...((survey.answers as Answer[] | null) ?? []), { question: questions[survey.current], score: parsed.score, comment: parsed.comment }];
  if (survey.current + 1 < questions.length) {
    await ctx.db.update(Survey, { id: survey.id }, { answers, current: survey.current + 1 });
    ctx.reply(say('contracts.survey.next', { question: questions[survey.current + 1] }));
    return {};
  }
  const score = Math.round(answers.reduce((sum, a) => sum + a.score, 0) / answers.length);
  await ctx.db.update(Survey, { id: survey.id }, { answers, current: questions.length, score, status: 'answered', answeredAt: ctx.clock.now() });
  if (survey.source === 'visit') await ctx.db.update(Visit, { id: survey.sourceId }, { status: 'done', score, answers, completedAt: ctx.clock.now(), recordedBy: 'customer' });
  if (survey.source === 'ticket') await addTimeline(ctx.db, { ticketId: survey.sourceId, type: 'survey', actor: 'customer', note: parsed.comment, data: { score }, at: ctx.clock.now() });
  const lowest = Math.min(...answers.map((a) => a.score));
  if (lowest <= LOW_SCORE) {
    const lines = answers.map((a) =>
      a.comment ? say('contracts.survey.lowScoreAnswerWithComment', { question: a.question.slice(0, 12), score: a.score, comment: a.comment }) : say('contracts.survey.lowScoreAnswer', { question: a.question.slice(0, 12), score: a.score }),
    );
    const summary = say('contracts.survey.lowScore', { score: lowest, answers: lines.join('；') });
    return { lowScore: { summary } };
  }
  ctx.reply(say('contracts.survey.thanks'));
  return {};
}


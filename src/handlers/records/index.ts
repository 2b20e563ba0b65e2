/**
 * The books every flow keeps: the numbers of the day (numbers.ts: TS…/XS…), the timeline of a
 * case or lead (timeline.ts) and the audit trail of who changed what (audit.ts).
 */
export { audit, diff, type AuditFacts } from './audit';
export { nextNumber } from './numbers';
export { addTimeline, type TimelineEntry } from './timeline';

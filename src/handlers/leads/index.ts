/**
 * Leads (咨询线索): the record (records.ts), the card a consultant gets (cards.ts), which store and
 * consultant get it (dispatch.ts), the `lead:` buttons on the card (buttons.ts), time-outs that
 * reassign or remind (timeouts.ts), and the status a customer is told (status.ts).
 */
export { handleLeadButton, leadChoices } from './buttons';
export { channelName, leadTaskId } from './cards';
export { submitLead } from './dispatch';
export { createLead, openLeadOf, setLeadStatus, updateLeadFacts } from './records';
export { reassignLead, type ReassignOutcome } from './reassign';
export { describeLead } from './status';
export { signedLeadSteps } from './signed';
export { acceptedNotContacted, overdueAssignedLeads, reassignOverdueLead, remindToContact } from './timeouts';

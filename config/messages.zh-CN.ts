import { approvalsMessages } from './messages/approvals';
import { casesMessages } from './messages/cases';
import { commonMessages } from './messages/common';
import { consoleMessages } from './messages/console';
import { contractsMessages } from './messages/contracts';
import { customersMessages } from './messages/customers';
import { handoffMessages } from './messages/handoff';
import { intakeMessages } from './messages/intake';
import { leadsMessages } from './messages/leads';
import { reportsMessages } from './messages/reports';
import { staffMessages } from './messages/staff';
import { understandingMessages } from './messages/understanding';

/**
 * Every text a customer or a member of staff reads, in Simplified Chinese: the company changes its
 * wording here without reading code. Code asks for a text by key through `say(key, params)`
 * (config/say.ts); `{name}` marks a placeholder the caller fills.
 *
 * The texts live in config/messages/<room>.ts, one file per room of src/handlers (keys start with
 * the room's name, so two files cannot claim the same key — test/config/messages.test.ts checks).
 * Add a text to its room's file; a new room adds its file there and its line in both lists below.
 * Write `{name}` placeholders in camelCase and no other braces; never build a sentence from pieces
 * in code when one text with placeholders says it.
 */
export const MESSAGES = {
  ...commonMessages,
  ...intakeMessages,
  ...leadsMessages,
  ...casesMessages,
  ...approvalsMessages,
  ...contractsMessages,
  ...reportsMessages,
  ...staffMessages,
  ...customersMessages,
  ...handoffMessages,
  ...understandingMessages,
  ...consoleMessages,
} as const;

/** Each room's part, for the test that no two parts share a key. */
export const MESSAGE_PARTS = {
  common: commonMessages,
  intake: intakeMessages,
  leads: leadsMessages,
  cases: casesMessages,
  approvals: approvalsMessages,
  contracts: contractsMessages,
  reports: reportsMessages,
  staff: staffMessages,
  customers: customersMessages,
  handoff: handoffMessages,
  understanding: understandingMessages,
  console: consoleMessages,
} as const;

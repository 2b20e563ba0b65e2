/**
 * Customers: the record made on first contact and updated from what they say (records.ts), phone
 * numbers in one stored, hashed and masked form (phones.ts), one customer one record (R-ID-1):
 * the QR code handed out at signing (link-codes.ts), a phone number confirmed by what only the
 * customer knows (phone-link.ts, linking.ts for personal WeChat), merging duplicates (merge.ts),
 * and a customer's contracts as cases and welcomes need them (contracts-of.ts).
 */
export { MAJOR_COMMAND, majorCommand, MERGE_COMMAND, mergeCommand } from './commands';
export { activeContractsOf, contractForCase, fillCasesFromContract, housekeeperLabel, mainContractOf } from './contracts-of';
export { LINK_CODE_SECONDS, linkByScene, linkCodeFor, type LinkCode } from './link-codes';
export { linkedCustomerId, linkWechatyToOa } from './linking';
export { mergeCustomers, type MergeRefusal, type MergeResult } from './merge';
export { answerPhoneLink, askPhoneLink } from './phone-link';
export { maskPhone, normalisePhone, phoneHash } from './phones';
export { customerByExternalId, customerByPhone, customerLabel, newCustomer, updateCustomer } from './records';

/**
 * Approvals in chat (R-AP-1): a step becomes a card to the holders of a role (steps.ts); it is
 * decided by a button (buttons.ts, `ap:`), by an answer in words (answers.ts) or by 同意/驳回 in
 * the managers' WeChat group (group.ts). Each step belongs to the flow that opened it: the flows
 * register their StepOwnership in the table of contents, and this room never imports them.
 */
export { approverAnswer, askForWords, referenceOf, unaddressedAnswer } from './answers';
export { approvalButton } from './buttons';
export { managersGroup, parseGroupCommand, type GroupCommand } from './group';
export { byRole, StepOwners, type StepOwner, type StepOwnership } from './owners';
export { cardKindName, holdersOf, mayDecide, openApprovalsOf, recordDecision, requestApproval, roleName, stepName, updateCards, type CardKind, type ChoiceSpec } from './steps';

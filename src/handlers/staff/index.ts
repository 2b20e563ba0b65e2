/**
 * Staff in WeCom: the desk that routes what they send (desk.ts: buttons by prefix, commands, answers,
 * help) and logging what arrived by phone or in person (logging.ts: 登记).
 */
export { StaffDesk } from './desk';
export { LOG_COMMAND, logCommand } from './logging';
export { pendingFor, type PendingItem } from './queue';
export { TODO_COMMAND, todoCommand } from './todo';

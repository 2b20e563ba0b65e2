/** Texts of approval cards (src/handlers/approvals): card kinds, buttons, step answers, the managers' group. Keys start with `approvals.`. */
export const approvalsMessages = {
} as const;

/** Texts of contracts (src/handlers/contracts): renewals, hand-overs, visits, surveys. Keys start with `contracts.`. */
export const contractsMessages = {
} as const;

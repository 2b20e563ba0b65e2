/** Texts of the human hand-off (src/handlers/handoff). Keys start with `handoff.`. */
export const handoffMessages = {
} as const;

/** Texts the understanding room (src/handlers/understanding) makes people read: clarifying questions. Keys start with `understanding.`. */
export const understandingMessages = {
} as const;

/** Texts of the customer dialogue (src/handlers/intake): greetings, questions, replies. Keys start with `intake.`. */
export const intakeMessages = {
} as const;

/** Texts of leads (src/handlers/leads): the lead card, its buttons, reminders. Keys start with `leads.`. */
export const leadsMessages = {
} as const;

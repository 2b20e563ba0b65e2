/** Texts of reports (src/handlers/reports): the monthly report, the shift digest, performance sheets. Keys start with `reports.`. */
export const reportsMessages = {
} as const;

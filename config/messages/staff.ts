/** Texts of the staff desk (src/handlers/staff): help, refusals, the 登记 command. Keys start with `staff.`. */
export const staffMessages = {
} as const;

/** Texts about customers (src/handlers/customers): identity linking and the like. Keys start with `customers.`. */
export const customersMessages = {
} as const;

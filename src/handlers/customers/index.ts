/**
 * Customers: the record made on first contact and updated from what they say (records.ts), phone
 * numbers in one stored, hashed and masked form (phones.ts), and a personal-WeChat customer
 * linked to the OA customer with the same phone (linking.ts).
 */
export { linkByPhone, linkedCustomerId } from './linking';
export { maskPhone, normalisePhone, phoneHash } from './phones';
export { customerByExternalId, customerByPhone, customerLabel, newCustomer, updateCustomer } from './records';

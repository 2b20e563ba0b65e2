import { AccessToken } from './access-token';
import { CardResponseCode } from './card-response-code';
import { InboundMessage } from './inbound-message';
import { OutboxMessage } from './outbox-message';
import { Foundation1764201600000 } from './migrations/1764201600000-Foundation';

export { AccessToken, CardResponseCode, InboundMessage, OutboxMessage };

/** Every entity the data source knows; a flow's entities are added here with their migration. */
export const ENTITIES = [InboundMessage, OutboxMessage, AccessToken, CardResponseCode];

/** In order: TypeORM runs them by timestamp, the list is the table of contents. */
export const MIGRATIONS = [Foundation1764201600000];

import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../../entities';

/**
 * Every look at a customer's or a housekeeper's personal data writes an audit entry: who, what,
 * when, and through what (console page, PDF form, chat 查) — the seed's 「未经公司相关领导同意，
 * 不得将信息泄露给他人」 made visible. The entry names the record and the fields shown, never their values.
 */
export type Viewed = 'customer' | 'ticket' | 'lead' | 'housekeeper' | 'penalty' | 'contract';

export async function recordView(db: EntityManager, facts: { actor: string; subject: Viewed; subjectId: number; via: string; fields: string[] }, at: number): Promise<void> {
  await db.insert(AuditEntry, {
    actor: facts.actor.slice(0, 64),
    action: `${facts.subject}.view`.slice(0, 64),
    subject: facts.subject,
    subjectId: facts.subjectId,
    changes: JSON.stringify({ via: facts.via, fields: facts.fields }),
    at,
  });
}

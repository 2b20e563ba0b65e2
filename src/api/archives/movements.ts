import Router from '@koa/router';
import { Housekeeper, HousekeeperMovement } from '../../entities';
import type { HousekeeperStatus } from '../../entities/housekeeper';
import { isoDay } from '../../handlers/calendar';
import { audit, diff } from '../../handlers/records';
import { ADMIN_ACTOR } from '../audit';
import { idParam } from '../http';
import { findOr404, readJsonObject, refuse, requireFields, unknownFields } from '../upsert';
import type { Archives, Session } from './archive';
import { Lookups } from './lookups';
import { dayStart, dayValue, isClear, textValue } from './values';
import { say } from '../../../config/say';

/**
 * A housekeeper's movement log (新到 / 上岗 / 返回 / 辞职): the status is the kind of the latest
 * movement by date, and every movement is audited. `POST /api/housekeepers/:id/movements`.
 */

export const MOVEMENT_KINDS = ['new', 'on_duty', 'returned', 'resigned'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
/** The catalogue's names (common.movement.*), the same words the monthly report uses; also accepted as input. */
export const MOVEMENT_LABELS: Record<MovementKind, string> = {
  new: say('common.movement.new'),
  on_duty: say('common.movement.on_duty'),
  returned: say('common.movement.returned'),
  resigned: say('common.movement.resigned'),
};

/** Appends to the movement log; the status is the kind of the latest movement by date. */
export async function addMovement(session: Session, housekeeper: Housekeeper, kind: MovementKind, date: string, note: string | null): Promise<HousekeeperStatus> {
  const { manager, now } = session;
  await manager.insert(HousekeeperMovement, { housekeeperId: housekeeper.id, kind, note, at: dayStart(date, session.timeZone) });
  const latest = await manager.findOne(HousekeeperMovement, { where: { housekeeperId: housekeeper.id }, order: { at: 'DESC', id: 'DESC' } });
  const status = (latest?.kind ?? kind) as HousekeeperStatus;
  if (status !== housekeeper.status) await manager.update(Housekeeper, { id: housekeeper.id }, { status });
  const changes = diff({ status: housekeeper.status }, { status, movement: kind, date, note });
  await audit(manager, { actor: ADMIN_ACTOR, action: 'housekeeper.movement', subject: 'housekeeper', subjectId: housekeeper.id, changes }, now);
  return status;
}

export function movementJson(m: HousekeeperMovement, timeZone: string) {
  const kind = m.kind as MovementKind;
  return { id: m.id, kind, label: MOVEMENT_LABELS[kind] ?? kind, date: isoDay(m.at, timeZone), note: m.note ?? null };
}

/** `show` is the housekeeper's JSON as GET /api/housekeepers/:id sends it. */
export function movementRoutes(ax: Archives, show: (id: number) => Promise<unknown>): Router {
  const router = new Router();
  router.post('/housekeepers/:id/movements', async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJsonObject(ctx);
    const problems: string[] = [];
    unknownFields(body, ['kind', 'date', 'note'], problems);
    requireFields(body, ['kind', 'date'], problems);
    const kindText = typeof body.kind === 'string' ? body.kind.trim() : '';
    const kind = (MOVEMENT_KINDS as readonly string[]).includes(kindText)
      ? (kindText as MovementKind)
      : (Object.entries(MOVEMENT_LABELS).find(([, label]) => label === kindText)?.[0] as MovementKind | undefined);
    if (body.kind !== undefined && !kind) problems.push(`kind must be one of ${MOVEMENT_KINDS.map((k) => `${k} (${MOVEMENT_LABELS[k]})`).join(', ')}`);
    const date = body.date === undefined ? undefined : dayValue('date', body.date, problems);
    if (date && date > ax.today()) problems.push('date is in the future: the movement log records what happened');
    let note: string | null = null;
    if (body.note !== undefined && !isClear(body.note)) note = textValue('note', body.note, 500, problems) ?? null;
    refuse(problems);
    await ax.db.write(async (manager) => {
      const housekeeper = await findOr404(manager, Housekeeper, id, 'no such housekeeper');
      await addMovement(ax.session(manager, await Lookups.load(manager)), housekeeper, kind!, date!, note);
    });
    ctx.status = 201;
    ctx.body = await show(id);
  });
  return router;
}

import Router from '@koa/router';
import { Staff } from '../entities';
import { OncallShift } from '../entities/handoff';
import type { Database } from '../entities/database';
import { addShift, shiftsFrom } from '../handlers/handoff';
import { audit } from '../handlers/records';
import { readBodyText } from './csv';
import { ApiError, idParam } from './http';
import { parseJson } from './upsert';

/**
 * The on-call rota (值班, R-HO-1): who is paged out of hours for an upset or serious hand-off.
 * GET lists the shifts not yet over; POST {"staff": "<WeCom UserID>", "startsAt", "endsAt"}
 * (ISO 8601 instants) adds one; DELETE /api/oncall/:id removes one. Without a shift the CS
 * managers are paged.
 */
export function oncallRoutes(db: Database, clock: () => number): Router {
  const router = new Router();
  const shape = async (shift: OncallShift) => {
    const person = await db.reader.findOneBy(Staff, { id: shift.staffId });
    return { id: shift.id, staffId: shift.staffId, staff: person?.wecomUserId ?? null, name: person?.name ?? null, startsAt: new Date(shift.startsAt).toISOString(), endsAt: new Date(shift.endsAt).toISOString(), setBy: shift.setBy };
  };
  router.get('/oncall', async (ctx) => {
    ctx.body = { shifts: await Promise.all((await shiftsFrom(db.reader, clock())).map(shape)) };
  });
  router.post('/oncall', async (ctx) => {
    const body = parseJson(await readBodyText(ctx, 4096)) as { staff?: unknown; startsAt?: unknown; endsAt?: unknown };
    if (!body || typeof body !== 'object' || typeof body.staff !== 'string') throw new ApiError(400, 'staff (the WeCom UserID) is required');
    const startsAt = typeof body.startsAt === 'string' ? Date.parse(body.startsAt) : NaN;
    const endsAt = typeof body.endsAt === 'string' ? Date.parse(body.endsAt) : NaN;
    if (Number.isNaN(startsAt) || Number.isNaN(endsAt) || endsAt <= startsAt) throw new ApiError(400, 'startsAt and endsAt must be ISO 8601 instants, endsAt after startsAt');
    if (endsAt - startsAt > 62 * 86_400_000) throw new ApiError(400, 'a shift is at most 62 days');
    const staff = body.staff;
    const saved = await db.write(async (m) => {
      const person = await m.findOneBy(Staff, { wecomUserId: staff, active: true });
      if (!person) throw new ApiError(404, 'no active member of staff with that WeCom UserID');
      const shift = await addShift(m, { staffId: person.id, startsAt, endsAt, setBy: 'admin' }, clock());
      await audit(m, { actor: 'admin', action: 'oncall.add', subject: 'oncall_shift', subjectId: shift.id, changes: { staffId: person.id, startsAt, endsAt } }, clock());
      return shift;
    });
    ctx.status = 201;
    ctx.body = await shape(saved);
  });
  router.delete('/oncall/:id', async (ctx) => {
    const id = idParam(ctx.params.id);
    const removed = await db.write(async (m) => {
      const shift = await m.findOneBy(OncallShift, { id });
      if (!shift) return false;
      await m.delete(OncallShift, { id });
      await audit(m, { actor: 'admin', action: 'oncall.remove', subject: 'oncall_shift', subjectId: id, changes: { staffId: shift.staffId } }, clock());
      return true;
    });
    if (!removed) throw new ApiError(404, 'no such shift');
    ctx.body = { removed: id };
  });
  return router;
}

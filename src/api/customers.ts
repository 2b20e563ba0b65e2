import Router from '@koa/router';
import type { Database } from '../entities/database';
import { PlatformApiError, NetworkError, DownloadRefused } from '../bot/api-client';
import { linkCaseTo } from '../handlers/cases';
import { linkCodeFor, mergeCustomers } from '../handlers/customers';
import type { QrCodes } from '../handlers/ports';
import { ApiError, idParam, iso } from './http';
import { readJsonObject } from './upsert';

/**
 * One customer, one record (issue 15), for the console and the contract sheet:
 * - GET /api/customers/:id/qrcode — the OA QR code that links a follower to this customer
 *   (a PNG/JPEG from showqrcode; `?format=json` gives its URL and expiry for printing);
 * - POST /api/customers/:id/merge {"from": id, "force"?: true} — folds `from` into `:id`;
 * - POST /api/tickets/:id/link {"contract"?: "HT…", "housekeeper"?: "A0123"} — the case's store and housekeeper.
 */
export function customerRoutes(db: Database, qr: QrCodes | undefined, clock: () => number): Router {
  const router = new Router();

  router.get('/customers/:id/qrcode', async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!qr) throw new ApiError(503, 'the Official Account is not configured (WECHAT_APPID, WECHAT_APPSECRET): no QR code can be made');
    try {
      const code = await linkCodeFor((work) => db.write(work), qr, id, clock());
      if (!code) throw new ApiError(404, 'no such customer');
      if (ctx.query.format === 'json') {
        ctx.body = { customerId: id, url: code.url, expiresAt: iso(code.expiresAt), image: `/api/customers/${id}/qrcode` };
        return;
      }
      const image = await qr.image(code.ticket);
      ctx.type = image.contentType;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = image.bytes;
    } catch (error) {
      if (error instanceof PlatformApiError || error instanceof NetworkError || error instanceof DownloadRefused) throw new ApiError(502, `the platform refused the QR code: ${error.message}`);
      throw error;
    }
  });

  router.post('/customers/:id/merge', async (ctx) => {
    const into = idParam(ctx.params.id);
    const body = await readJsonObject(ctx);
    const from = typeof body.from === 'number' && Number.isInteger(body.from) && body.from > 0 ? body.from : null;
    if (from === null) throw new ApiError(400, 'from must be the id of the customer to merge into this one');
    if (body.force !== undefined && typeof body.force !== 'boolean') throw new ApiError(400, 'force must be true or false');
    const result = await db.write((m) => mergeCustomers(m, into, from, { actor: 'admin', force: body.force === true, now: clock(), reason: 'staff' }));
    if (result === 'not_found') throw new ApiError(404, 'no such customer (or it was merged already)');
    if (result === 'same') throw new ApiError(400, 'a customer cannot be merged into itself');
    if (result === 'two_wechats') throw new ApiError(409, 'both records are linked to a WeChat id: they cannot become one record');
    if (result === 'two_contracts') throw new ApiError(409, 'both customers have an active contract and different phones; send "force": true if they are one person');
    ctx.body = { id: result.into.id, mergedFrom: from, moved: result.moved };
  });

  router.post('/tickets/:id/link', async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJsonObject(ctx);
    const contract = typeof body.contract === 'string' ? body.contract.trim() : undefined;
    const housekeeper = typeof body.housekeeper === 'string' ? body.housekeeper.trim() : undefined;
    if (!contract && !housekeeper) throw new ApiError(400, 'give contract (its number) or housekeeper (her code)');
    const result = await db.write((m) => linkCaseTo(m, id, { contract, housekeeper }, 'admin', clock()));
    if (typeof result === 'string') throw new ApiError(result === 'no_ticket' ? 404 : 400, result);
    ctx.body = { id, storeId: result.storeId, housekeeperId: result.housekeeperId };
  });

  return router;
}

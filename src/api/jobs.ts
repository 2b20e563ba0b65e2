import Router from '@koa/router';
import { JobRun } from '../entities';
import type { Database } from '../entities/database';
import { cronOf, type JobRunner } from '../jobs/runner';
import type { Config } from '../../config';
import { ApiError, iso, paging } from './http';

/** Scheduled jobs: what ran when, and a run on demand. */
export function jobRoutes(config: Config, db: Database, runner: JobRunner): Router {
  const router = new Router();
  router.get('/jobs', async (ctx) => {
    const runs = await db.reader.find(JobRun, { order: { id: 'DESC' }, ...paging(ctx) });
    ctx.body = {
      jobs: runner.jobs.map((job) => ({ name: job.name, cron: cronOf(job, config), description: job.description })),
      runs: runs.map((run) => ({ ...run, startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt), leaseUntil: iso(run.leaseUntil) })),
    };
  });
  router.post('/jobs/:name/run', async (ctx) => {
    if (!runner.job(ctx.params.name)) throw new ApiError(404, `no job named ${ctx.params.name}`);
    const outcome = await runner.runNow(ctx.params.name);
    ctx.body = { job: ctx.params.name, status: outcome.status, items: outcome.items, errors: outcome.errors };
  });
  return router;
}

import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../config';
import { cronOf } from '../../src/jobs/runner';
import { JOBS, SCHEDULE } from '../../src/jobs/schedule';

/**
 * One cron table (issue 12, item 5): src/jobs/schedule.ts says when each job runs and why; the
 * runner reads it, no job file carries a time of its own, and the README's jobs table is this
 * table rendered (defaults of the configuration) — edit schedule.ts, then paste what this test prints.
 */

const ROOT = path.join(__dirname, '..', '..');
const START = '<!-- jobs table: generated from src/jobs/schedule.ts, checked by test/jobs/schedule.test.ts -->';
const END = '<!-- end of jobs table -->';

function renderedTable(): string {
  const config = loadConfig({});
  const rows = SCHEDULE.map(({ job, setting, why }, i) => `| \`${job.name}\` | \`${cronOf(JOBS[i], config)}\`${setting ? ` (\`${setting}\`)` : ''} | ${why} |`);
  return ['| job | cron (Asia/Shanghai) | when and why |', '|---|---|---|', ...rows].join('\n');
}

describe('the schedule', () => {
  it('is what the runner runs: every job once, with the time and reason of its row', () => {
    expect(JOBS.map((j) => j.name)).toEqual(SCHEDULE.map((e) => e.job.name));
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
    for (const [i, entry] of SCHEDULE.entries()) {
      expect(JOBS[i].cron).toBe(entry.cron);
      expect(JOBS[i].description).toBe(entry.why);
      expect(entry.why.trim()).not.toBe('');
    }
  });

  it('keeps the times in schedule.ts only: no job file declares a cron of its own', () => {
    const dir = path.join(ROOT, 'src', 'jobs');
    const withTimes = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'schedule.ts' && f !== 'runner.ts')
      .filter((f) => /^\s*(cron|description)\s*:/m.test(fs.readFileSync(path.join(dir, f), 'utf8')));
    expect(withTimes).toEqual([]);
  });

  it("is the README's jobs table", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const inReadme = readme.slice(start + START.length, end).trim();
    const expected = renderedTable();
    if (inReadme !== expected) console.log(`README.md's jobs table should read:\n\n${expected}\n`);
    expect(inReadme).toBe(expected);
  });
});

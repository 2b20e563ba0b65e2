import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { Ticket } from '../../src/entities';
import { startSimulator, type RunningSimulator } from '../../src/simulator/run';
import { TEST_DATA_KEY } from './databases';
import { eventually } from './harness';

/**
 * The console tests' common start: the simulator (demo data, no jobs, no chat page) on a database in
 * `dir`, and two customers' complaints as cases: the first a 朝阳 customer's (陈女士, of 李顾问's
 * contract), the second a 海淀 one's.
 */
export async function simulatorWithTwoCases(dir: string, logStream: Writable): Promise<{ sim: RunningSimulator; cases: [string, string] }> {
  const sim = await startSimulator({ port: 0, botPort: 0, dbFile: join(dir, 'sim.sqlite'), dataKey: TEST_DATA_KEY, jobs: false, web: false, logStream });
  try {
    await sim.session.customerSays('o_demo_1', '阿姨今天迟到了两个小时，我要投诉');
    await sim.session.customerSays('o_demo_3', '阿姨打碎了我家的花瓶，我要投诉');
    const tickets = await eventually(async () => {
      const rows = await sim.db.reader.find(Ticket, { order: { id: 'ASC' } });
      if (rows.length < 2) throw new Error('cases not there yet');
      return rows;
    });
    return { sim, cases: [tickets[0].number, tickets[1].number] };
  } catch (error) {
    await sim.stop(); // the caller never got it, so its afterAll cannot stop it
    throw error;
  }
}

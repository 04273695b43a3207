import { DEMO_DEFAULTS } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { startDemo, type RunningDemo } from '../../src/demo/start-demo.js';
import { freePort } from './server.js';

export interface TestDemo extends RunningDemo {
  clock: ManualClock;
  accessTokenTtl: number;
}

/**
 * `tessera demo` in this process, on free ports and an in-memory database, with the demo's own
 * defaults (60 s access tokens) and one clock the test can move for the three servers.
 */
export async function startTestDemo(): Promise<TestDemo> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [port, resourcePort, clientPort] = [...ports] as [number, number, number];
  const config = loadConfig({ port: String(port), db: 'sqlite::memory:', logLevel: 'silent' }, {}, DEMO_DEFAULTS);
  const clock = new ManualClock();
  const demo = await startDemo({ config, resourcePort, clientPort, clock, logger: false });
  return Object.assign(demo, { clock, accessTokenTtl: config.settings.accessTokenTtl });
}

import { DEMO_DEFAULTS } from '../../src/cli/demo.js';
import { loadConfig, type ConfigFlags } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { startDemo, type RunningDemo } from '../../src/demo/start-demo.js';
import { refreshPageAccessTokenTtl } from '../../src/demo/refresh-page-ttl.js';

export interface TestDemo extends RunningDemo {
  clock: ManualClock;
  accessTokenTtl: number;
  /** The Refresh Token page's shorter lifetime. */
  refreshPageAccessTokenTtl: number;
}

/**
 * `tessera demo` in this process, on ports the kernel chose (port 0: startDemo binds first and
 * builds the URLs from the ports bound) and an in-memory database, with the demo's own defaults
 * (600 s access tokens, 60 s on the refresh page) and one clock the test can move for the three servers.
 * `flags`: the command line's, e.g. { clientIdMetadataDocuments: 'on' }.
 */
export async function startTestDemo(flags: ConfigFlags = {}): Promise<TestDemo> {
  const config = loadConfig({ port: '0', db: 'sqlite::memory:', logLevel: 'silent', ...flags }, {}, DEMO_DEFAULTS);
  const clock = new ManualClock();
  const demo = await startDemo({ config, resourcePort: 0, clientPort: 0, clock, logger: false });
  return Object.assign(demo, { clock, accessTokenTtl: config.settings.accessTokenTtl, refreshPageAccessTokenTtl: refreshPageAccessTokenTtl(config.settings.accessTokenTtl) });
}

import { ConfigError, loadConfig, type Config, type ConfigFlags } from '../config.js';
import { demoBanner } from '../demo/demo-banner.js';
import { startDemo } from '../demo/start-demo.js';

/** The serve flags, plus the ports of the demo's other two servers. */
export interface DemoFlags extends ConfigFlags {
  resourcePort?: string | undefined;
  clientPort?: string | undefined;
}

/**
 * The demo's own defaults, below flags and TESSERA_* variables: a database of its own (the demo
 * seed does not land in a real one), access tokens that live long enough to read an exchange and
 * call the API (10 minutes; the refresh page's own client gets 60 s, refresh-page-ttl.ts),
 * warnings only, so the banner stays readable, and open dynamic registration (RFC 7591), which the
 * playground's registration page shows (a local playground; `serve` keeps it off unless asked), with
 * `read` in the self-service scope.
 */
export const DEMO_DEFAULTS: ConfigFlags = {
  db: 'sqlite:./data/demo.db', accessTokenTtl: '600', logLevel: 'warn', dynamicRegistration: 'open',
  // The self-service scope (self-registered and metadata-document clients) plus the demo API's `read`: their tokens are
  // for that API (the demo's default audience), which accepts only read and write, so without it they could get none.
  dynamicRegistrationScope: 'openid profile email offline_access read',
};

/** 0: any free port, the banner tells which (tests). */
function port(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`--${name} must be a port number between 0 and 65535, got "${value}".`);
  }
  return Number(value);
}

export interface DemoSettings {
  config: Config;
  resourcePort: number;
  clientPort: number;
}

export function demoSettings(flags: DemoFlags, env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const config = loadConfig(flags, env, DEMO_DEFAULTS);
  if (config.workers > 1) throw new ConfigError('tessera demo runs its three servers in one process; --workers is for tessera serve.');
  const resourcePort = port('resource-port', flags.resourcePort ?? '9001');
  const clientPort = port('client-port', flags.clientPort ?? '9002');
  const fixed = [config.port, resourcePort, clientPort].filter((p) => p !== 0);
  if (new Set(fixed).size !== fixed.length) {
    throw new ConfigError(`--port (${config.port}), --resource-port (${resourcePort}) and --client-port (${clientPort}) must differ.`);
  }
  return { config, resourcePort, clientPort };
}

/** `tessera demo`: the three servers in this process, until Ctrl+C. */
export async function demo(flags: DemoFlags): Promise<void> {
  const settings = demoSettings(flags);
  let running;
  try {
    running = await startDemo(settings);
  } catch (error) {
    const { code, port: busy } = error as NodeJS.ErrnoException & { port?: number };
    if (code === 'EADDRINUSE') {
      // A second demo on the same database re-seeds it with its own ports' redirect URIs, which
      // breaks the first demo's sign-ins: a second demo needs a database of its own too.
      throw new ConfigError(`port ${busy ?? ''} is already in use; for a second demo choose other ports with --port, --resource-port and --client-port`
        + ' and another database with --db (e.g. --db sqlite:./data/demo2.db): on the same database it would re-seed it and break the first demo.');
    }
    throw error;
  }
  process.stdout.write(demoBanner(running.urls, settings.config));
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isPublicAddress } from './address-classifier.js';

/**
 * Fetches small JSON documents from URLs an anonymous caller chose (client ID metadata documents,
 * jwks_uri) without letting them reach this server's own network (SSRF, docs/SECURITY.md):
 * - the host is resolved once with node:dns and every address must be public (address-classifier.ts);
 * - the connection goes to the address that was checked: the request's `lookup` returns it, so there
 *   is no second DNS lookup an attacker could answer differently (DNS rebinding);
 * - no redirects, a size limit, a total time limit, 200 with a JSON content type only;
 * - the answer's Cache-Control max-age, bounded, says how long callers may keep it.
 */
export interface SafeFetchOptions {
  /** Development only (--cimd-allow-private-hosts): any address, and http:// on loopback hosts. */
  allowPrivateHosts?: boolean;
  /** The largest body accepted, in bytes (default 5 KiB). */
  maxBytes?: number;
  /** The whole fetch, connection to last byte, in milliseconds (default 5 s). */
  timeoutMs?: number;
  /** How long a document is kept at least and at most, in seconds (default 60 and 86 400). */
  minCacheSeconds?: number;
  maxCacheSeconds?: number;
}

/** Why a fetch was refused; `reason` is a fixed code for logs, never the remote content. */
export class SafeFetchError extends Error {
  constructor(readonly reason: 'bad_url' | 'refused_address' | 'dns' | 'network' | 'timeout' | 'status' | 'redirect' | 'content_type' | 'too_large' | 'not_json' | 'busy') {
    super(`outbound fetch refused: ${reason}`);
    this.name = 'SafeFetchError';
  }
}

export interface FetchedJson {
  json: unknown;
  /** How long the answer may be kept, in seconds, from its Cache-Control max-age within the bounds. */
  maxAgeSeconds: number;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The URL, if it may be fetched at all: https (http only on loopback hosts under allowPrivateHosts), no credentials. */
export function fetchableUrl(raw: string, allowPrivateHosts: boolean): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowPrivateHosts && LOOPBACK_NAMES.has(url.hostname)) return url;
  return undefined;
}

async function resolveChecked(hostname: string, allowPrivateHosts: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(bare) !== 0) {
    addresses = [{ address: bare, family: isIP(bare) }];
  } else {
    try {
      addresses = await dnsLookup(bare, { all: true, verbatim: true });
    } catch {
      throw new SafeFetchError('dns');
    }
  }
  // Every address must be public: a name that also resolves to a private address is refused rather
  // than tried on its public one, so that what is connected to never depends on the order of answers.
  if (addresses.length === 0) throw new SafeFetchError('dns');
  if (!allowPrivateHosts && addresses.some((entry) => !isPublicAddress(entry.address))) throw new SafeFetchError('refused_address');
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` that answers the one address already checked, whatever it is asked. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

/** Cache-Control max-age (RFC 9111 §5.2.2.1), no-store and no-cache as 0, bounded by the options. */
export function cacheSeconds(header: string | undefined, min: number, max: number): number {
  let seconds = min;
  if (header !== undefined) {
    const directives = header.toLowerCase().split(',').map((part) => part.trim());
    const maxAge = directives.map((d) => /^max-age=(\d{1,10})$/.exec(d)?.[1]).find((value) => value !== undefined);
    if (directives.includes('no-store') || directives.includes('no-cache')) seconds = 0;
    else if (maxAge !== undefined) seconds = Number(maxAge);
  }
  return Math.min(max, Math.max(min, seconds));
}

function isJsonContentType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** GETs the URL under the rules above; throws SafeFetchError. */
export async function safeFetchJson(raw: string, options: SafeFetchOptions = {}): Promise<FetchedJson> {
  const allowPrivateHosts = options.allowPrivateHosts === true;
  const maxBytes = options.maxBytes ?? 5 * 1024;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const url = fetchableUrl(raw, allowPrivateHosts);
  if (!url) throw new SafeFetchError('bad_url');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const work = (async () => {
      const { address, family } = await resolveChecked(url.hostname, allowPrivateHosts);
      return await new Promise<FetchedJson>((resolve, reject) => {
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const request = send(url, {
          method: 'GET',
          lookup: pinnedLookup(address, family),
          signal: abort.signal,
          headers: { accept: 'application/json', 'user-agent': 'Tessera' },
          // No connection reuse: each fetch is resolved and checked afresh.
          agent: false,
        }, (response: IncomingMessage) => {
          const fail = (error: SafeFetchError) => {
            // Rejected first: destroying the response makes the request report a network error too.
            reject(error);
            response.destroy();
          };
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400) return fail(new SafeFetchError('redirect'));
          if (status !== 200) return fail(new SafeFetchError('status'));
          if (!isJsonContentType(response.headers['content-type'])) return fail(new SafeFetchError('content_type'));
          const declared = Number(response.headers['content-length'] ?? 0);
          if (declared > maxBytes) return fail(new SafeFetchError('too_large'));
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) return fail(new SafeFetchError('too_large'));
            chunks.push(chunk);
          });
          response.on('error', () => reject(abort.signal.aborted ? new SafeFetchError('timeout') : new SafeFetchError('network')));
          response.on('aborted', () => reject(abort.signal.aborted ? new SafeFetchError('timeout') : new SafeFetchError('network')));
          response.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return reject(new SafeFetchError('not_json'));
            }
            const cacheControl = response.headers['cache-control'];
            resolve({ json, maxAgeSeconds: cacheSeconds(cacheControl, options.minCacheSeconds ?? 60, options.maxCacheSeconds ?? 86_400) });
          });
        });
        request.on('error', () => reject(abort.signal.aborted ? new SafeFetchError('timeout') : new SafeFetchError('network')));
        request.end();
      });
    })();
    const timedOut = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(new SafeFetchError('timeout')), { once: true });
    });
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a failed fetch is remembered: requests naming that URL meanwhile fail at once, without a fetch. */
const FAILURE_SECONDS = 60;
/**
 * How long past its max-age a document's last good copy may still be served while its refetch is
 * busy or failing (the stale-if-error idea of RFC 5861 §4, bounded): a slow or failing document
 * server, or callers filling the fetch slots, do not lock out a client that was working.
 */
const STALE_IF_ERROR_SECONDS = 3_600;

export interface FetchedJsonCacheOptions extends SafeFetchOptions {
  /** Documents kept at most (the oldest dropped first); default 1,000. */
  maxEntries?: number;
  /** Fetches running at once in this process; default 32. */
  maxInFlight?: number;
  /** Fetches one caller (its address) may have started and still running; default 4. */
  maxInFlightPerCaller?: number;
  /** Fetches running at once to one host; default 4. */
  maxInFlightPerHost?: number;
}

type Entry = { json: unknown; until: number } | { error: SafeFetchError; until: number };

/**
 * A bounded in-memory cache of fetched documents, each kept for its max-age: at most `maxEntries`,
 * the oldest dropped first, and one fetch at a time per URL (concurrent callers share it). Failures
 * are remembered for a minute, so that a request cannot make this server fetch (or hammer a third
 * party) more than once a minute per URL. At most `maxInFlight` fetches run at once, at most
 * `maxInFlightPerCaller` started by one caller and `maxInFlightPerHost` to one host, so that one
 * caller naming slow documents cannot take every slot; and a document's last good copy is served
 * for up to an hour past its max-age while its refetch is busy or failing. Nothing is written to
 * the database, so anonymous callers cannot grow it.
 */
export class FetchedJsonCache {
  private readonly entries = new Map<string, Entry>();
  /** The last good copy of each document, kept up to STALE_IF_ERROR_SECONDS past its max-age. */
  private readonly lastGood = new Map<string, { json: unknown; until: number }>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly perCaller = new Map<string, number>();
  private readonly perHost = new Map<string, number>();

  constructor(private readonly options: FetchedJsonCacheOptions, private readonly nowMs: () => number = Date.now, private readonly fetchJson: typeof safeFetchJson = safeFetchJson) {}

  /** The document at `url`; `caller` (the requesting address, bucketed) counts against its in-flight cap. */
  async get(url: string, caller?: string): Promise<unknown> {
    const now = this.nowMs();
    const cached = this.entries.get(url);
    if (cached && cached.until > now) {
      if ('error' in cached) return this.staleOr(url, cached.error);
      return cached.json;
    }
    if (cached) this.entries.delete(url);
    const running = this.inFlight.get(url);
    if (running) {
      // A known document is not held up by its slow refetch.
      const stale = this.stale(url);
      return stale ? stale.json : running;
    }
    const host = hostOf(url);
    if (this.inFlight.size >= (this.options.maxInFlight ?? 32)
      || (caller !== undefined && (this.perCaller.get(caller) ?? 0) >= (this.options.maxInFlightPerCaller ?? 4))
      || (this.perHost.get(host) ?? 0) >= (this.options.maxInFlightPerHost ?? 4)) {
      return this.staleOr(url, new SafeFetchError('busy'));
    }
    const release = this.count(caller, host);
    const fetching = this.fetchJson(url, this.options).then((fetched) => {
      const until = this.nowMs() + fetched.maxAgeSeconds * 1_000;
      this.remember(this.entries, url, { json: fetched.json, until });
      this.remember(this.lastGood, url, { json: fetched.json, until: until + STALE_IF_ERROR_SECONDS * 1_000 });
      return fetched.json;
    }, (error: unknown) => {
      const failure = error instanceof SafeFetchError ? error : new SafeFetchError('network');
      this.remember(this.entries, url, { error: failure, until: this.nowMs() + FAILURE_SECONDS * 1_000 });
      return this.staleOr(url, failure);
    }).finally(() => {
      this.inFlight.delete(url);
      release();
    });
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private stale(url: string): { json: unknown } | undefined {
    const copy = this.lastGood.get(url);
    if (!copy) return undefined;
    if (copy.until > this.nowMs()) return copy;
    this.lastGood.delete(url);
    return undefined;
  }

  private staleOr(url: string, error: SafeFetchError): unknown {
    const stale = this.stale(url);
    if (stale) return stale.json;
    throw error;
  }

  private count(caller: string | undefined, host: string): () => void {
    const bump = (counts: Map<string, number>, key: string, by: number) => {
      const next = (counts.get(key) ?? 0) + by;
      if (next <= 0) counts.delete(key);
      else counts.set(key, next);
    };
    if (caller !== undefined) bump(this.perCaller, caller, 1);
    bump(this.perHost, host, 1);
    return () => {
      if (caller !== undefined) bump(this.perCaller, caller, -1);
      bump(this.perHost, host, -1);
    };
  }

  private remember<T>(map: Map<string, T>, url: string, entry: T): void {
    const maxEntries = this.options.maxEntries ?? 1_000;
    map.delete(url);
    while (map.size >= maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    map.set(url, entry);
  }
}

/** The host (and port) a URL names, for the per-host cap; '' for one that does not parse (refused later). */
function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

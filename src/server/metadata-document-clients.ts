import { clientFromMetadataDocument, InvalidMetadataDocument, looksLikeMetadataDocumentUrl, metadataDocumentUrl, type SelfServicePolicy } from '../core/client-id-metadata-document.js';
import type { Clock } from '../core/clock.js';
import { FetchedJsonCache, SafeFetchError } from '../core/safe-fetch.js';
import type { SecretHashing } from '../core/secret-hash.js';
import { currentCaller } from './request-caller.js';
import type { CimdSettings } from './settings.js';
import type { Client, ClientStore } from '../store/types.js';

/**
 * The registry, plus clients whose client_id is the URL of their Client ID Metadata Document
 * (draft-ietf-oauth-client-id-metadata-document): fetched with the SSRF-safe fetcher, validated,
 * kept in a bounded memory cache for the document's max-age (1 minute to 24 hours; the last good copy
 * up to an hour longer while a refetch is busy or failing), at most 4 fetches running per caller
 * address and per document host (32 in all), and never
 * written to the database, so anonymous requests cannot grow it. A registered client of the same
 * client_id wins. Every read path (authorization endpoint, token endpoint, consent) goes through here.
 */
export class MetadataDocumentClients implements ClientStore {
  private readonly documents: FetchedJsonCache;
  private readonly allowedHosts: ReadonlySet<string>;

  constructor(
    private readonly registered: ClientStore,
    private readonly settings: CimdSettings,
    private readonly hashing: SecretHashing,
    private readonly clock: Clock,
    /** The self-service scope policy, shared with self-registered clients (--dynamic-registration-scope). */
    private readonly policy: SelfServicePolicy,
    private readonly onRefused: (clientId: string, reason: string) => void = () => {},
  ) {
    this.documents = new FetchedJsonCache({ allowPrivateHosts: settings.allowPrivateHosts, maxBytes: 5 * 1024, timeoutMs: 5_000, maxEntries: 1_000, maxInFlightPerCaller: 4, maxInFlightPerHost: 4 });
    this.allowedHosts = new Set(settings.allowedHosts);
  }

  async get(clientId: string): Promise<Client | undefined> {
    const known = await this.registered.get(clientId);
    if (known || !this.settings.enabled || !looksLikeMetadataDocumentUrl(clientId)) return known;
    const url = metadataDocumentUrl(clientId, this.settings.allowPrivateHosts);
    if (!url) return this.refuse(clientId, 'bad_client_id_url');
    // The trust policy (--cimd-allowed-hosts): when set, only these hosts' documents are fetched at all.
    if (this.allowedHosts.size > 0 && !this.allowedHosts.has(url.hostname.toLowerCase())) return this.refuse(clientId, 'host_not_allowed');
    let document: unknown;
    try {
      document = await this.documents.get(clientId, currentCaller());
    } catch (error) {
      return this.refuse(clientId, error instanceof SafeFetchError ? `fetch_${error.reason}` : 'fetch_failed');
    }
    try {
      return clientFromMetadataDocument(document, clientId, this.clock.nowSeconds(), this.hashing, this.policy);
    } catch (error) {
      if (error instanceof InvalidMetadataDocument) return this.refuse(clientId, 'invalid_document');
      throw error;
    }
  }

  private refuse(clientId: string, reason: string): undefined {
    this.onRefused(clientId, reason);
    return undefined;
  }

  list(): Promise<Client[]> { return this.registered.list(); }
  upsert(client: Client): Promise<void> { return this.registered.upsert(client); }
  replaceSecretHash(clientId: string, expected: string, replacement: string): Promise<boolean> { return this.registered.replaceSecretHash(clientId, expected, replacement); }
  delete(clientId: string, now: number): Promise<boolean> { return this.registered.delete(clientId, now); }
}

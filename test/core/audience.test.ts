import { describe, expect, it } from 'vitest';
import { resolveAudience, resolveTokenTarget } from '../../src/core/audience.js';
import type { Client, ResourceServer } from '../../src/store/types.js';

const DEFAULT = 'https://as.example';
const client = (resources: string[], scope = 'read write'): Client => ({
  clientId: 'svc', clientName: 'svc', secretHash: 'hash', redirectUris: [], grantTypes: ['client_credentials'], responseTypes: [],
  scope: scope.split(' '), tokenEndpointAuthMethod: 'client_secret_basic', resources, skipConsent: false, applicationType: 'web', createdAt: 0,
});
const registry = (...registered: ResourceServer[]) => ({
  get: async (resource: string) => registered.find((r) => r.resource === resource),
});
const api = (resource: string, scope: string[]): ResourceServer => ({ resource, scope, introspectionClients: [], createdAt: 0 });

describe('the audience of an access token (RFC 8707)', () => {
  it("is the client's first resource when the request names none, else the server's default", () => {
    expect(resolveAudience([], client(['https://a.example', 'https://b.example']), DEFAULT)).toBe('https://a.example');
    expect(resolveAudience([], client([]), DEFAULT)).toBe(DEFAULT);
  });

  it('is the resource asked for, if the client lists it or it is the default audience', () => {
    const c = client(['https://a.example', 'https://b.example']);
    expect(resolveAudience(['https://b.example'], c, DEFAULT)).toBe('https://b.example');
    expect(resolveAudience([DEFAULT], c, DEFAULT)).toBe(DEFAULT);
  });

  it.each([
    ['a resource the client does not list', ['https://c.example']],
    ['two resources', ['https://a.example', 'https://b.example']],
    ['a relative resource', ['api']],
    ['a resource with a fragment', ['https://a.example#x']],
  ])('refuses %s with invalid_target', (_name, resources) => {
    expect(() => resolveAudience(resources, client(['https://a.example', 'https://b.example']), DEFAULT))
      .toThrow(expect.objectContaining({ error: 'invalid_target' }));
  });
});

describe("a registered API's scope bounds its tokens", () => {
  const settings = { audience: DEFAULT };

  it('grants what both the client and the API allow when no scope is asked for', async () => {
    const target = await resolveTokenTarget({ scope: [], resources: [] }, client(['https://a.example'], 'read write admin'), settings,
      registry(api('https://a.example', ['read', 'write', 'delete'])));
    expect(target).toEqual({ audience: 'https://a.example', scope: ['read', 'write'] });
  });

  it('refuses a scope the API does not define, and one the client may not have', async () => {
    const c = client(['https://a.example'], 'read write admin');
    const resources = registry(api('https://a.example', ['read']));
    await expect(resolveTokenTarget({ scope: ['admin'], resources: [] }, c, settings, resources)).rejects.toMatchObject({ error: 'invalid_scope' });
    await expect(resolveTokenTarget({ scope: ['delete'], resources: [] }, c, settings, resources)).rejects.toMatchObject({ error: 'invalid_scope' });
    await expect(resolveTokenTarget({ scope: ['read'], resources: [] }, c, settings, resources)).resolves.toEqual({ audience: 'https://a.example', scope: ['read'] });
  });

  it('leaves the scope alone for an API registered without scope, or not registered', async () => {
    const c = client(['https://a.example', 'https://b.example']);
    const resources = registry(api('https://a.example', []));
    expect((await resolveTokenTarget({ scope: [], resources: [] }, c, settings, resources)).scope).toEqual(['read', 'write']);
    expect((await resolveTokenTarget({ scope: [], resources: ['https://b.example'] }, c, settings, resources)).scope).toEqual(['read', 'write']);
  });
});

describe('self-service clients (dynamic registration, metadata documents) and RFC 8707 resources', () => {
  const settings = { audience: DEFAULT };
  const selfRegistered = { ...client([], 'mcp:tools'), clientId: 'dyn_abc' };
  const fromDocument = { ...client([], 'mcp:tools'), clientId: 'https://app.example/client.json', fromMetadataDocument: true as const };

  it.each([['a self-registered client', selfRegistered], ['a metadata-document client', fromDocument]])(
    '%s may name any registered API, within its scope and the API\'s', async (_name, self) => {
      const registered = registry(api('https://mcp-one.example/mcp', ['mcp:tools']), api('https://mcp-two.example/mcp', ['mcp:tools', 'admin']));
      await expect(resolveTokenTarget({ scope: [], resources: ['https://mcp-two.example/mcp'] }, self, settings, registered))
        .resolves.toEqual({ audience: 'https://mcp-two.example/mcp', scope: ['mcp:tools'] });
      await expect(resolveTokenTarget({ scope: ['admin'], resources: ['https://mcp-two.example/mcp'] }, self, settings, registered))
        .rejects.toMatchObject({ error: 'invalid_scope' });
      await expect(resolveTokenTarget({ scope: [], resources: ['https://unregistered.example/mcp'] }, self, settings, registered))
        .rejects.toMatchObject({ error: 'invalid_target' });
    });

  it('an administrator-registered client still gets only its listed resources', async () => {
    const registered = registry(api('https://mcp-two.example/mcp', ['read']));
    await expect(resolveTokenTarget({ scope: [], resources: ['https://mcp-two.example/mcp'] }, client([]), settings, registered))
      .rejects.toMatchObject({ error: 'invalid_target' });
  });
});

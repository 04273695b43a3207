import { describe, expect, it } from 'vitest';
import { BearerChallenges } from '../src/bearer-error.js';
import { protectedResourceMetadata, protectedResourceMetadataPath } from '../src/protected-resource-metadata.js';

describe('protectedResourceMetadataPath (RFC 9728 §3.1)', () => {
  it.each([
    ['https://api.example', '/.well-known/oauth-protected-resource'],
    ['https://api.example/', '/.well-known/oauth-protected-resource'],
    ['https://api.example/mcp', '/.well-known/oauth-protected-resource/mcp'],
    ['https://api.example/mcp/', '/.well-known/oauth-protected-resource/mcp'],
    ['https://api.example:8443/v1/mcp', '/.well-known/oauth-protected-resource/v1/mcp'],
    ['http://127.0.0.1:3000/mcp', '/.well-known/oauth-protected-resource/mcp'],
  ])('%s -> %s', (resource, path) => {
    expect(protectedResourceMetadataPath(resource)).toBe(path);
  });
});

describe('protectedResourceMetadata', () => {
  it('builds the RFC 9728 §2 document, its URL and both paths for a resource with a path', () => {
    const metadata = protectedResourceMetadata({
      resource: 'https://api.example/mcp',
      authorizationServers: ['https://as.example'],
      scopesSupported: ['mcp:tools', 'mcp:admin'],
      resourceDocumentation: 'https://api.example/docs',
      resourceName: 'Example MCP server',
    });
    expect(metadata.document).toEqual({
      resource: 'https://api.example/mcp',
      authorization_servers: ['https://as.example'],
      scopes_supported: ['mcp:tools', 'mcp:admin'],
      bearer_methods_supported: ['header'],
      resource_documentation: 'https://api.example/docs',
      resource_name: 'Example MCP server',
    });
    expect(metadata.url).toBe('https://api.example/.well-known/oauth-protected-resource/mcp');
    expect(metadata.paths).toEqual(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);
    expect(JSON.parse(metadata.body)).toEqual(metadata.document);
  });

  it('serves only the §3.1 path with serveAtRoot false, for a host with several resources', () => {
    const metadata = protectedResourceMetadata({ resource: 'https://api.example/mcp', authorizationServers: ['https://as.example'], serveAtRoot: false });
    expect(metadata.paths).toEqual(['/.well-known/oauth-protected-resource/mcp']);
  });

  it('omits the optional members that are not given, and serves a host-only resource at one path', () => {
    const metadata = protectedResourceMetadata({ resource: 'https://api.example', authorizationServers: ['https://as.example'] });
    expect(metadata.document).toEqual({
      resource: 'https://api.example', authorization_servers: ['https://as.example'], bearer_methods_supported: ['header'],
    });
    expect(metadata.paths).toEqual(['/.well-known/oauth-protected-resource']);
    expect(metadata.url).toBe('https://api.example/.well-known/oauth-protected-resource');
  });

  it.each([
    ['a relative resource', { resource: '/mcp', authorizationServers: ['https://as.example'] }],
    ['an http resource off loopback', { resource: 'http://api.example/mcp', authorizationServers: ['https://as.example'] }],
    ['a resource with a fragment', { resource: 'https://api.example/mcp#x', authorizationServers: ['https://as.example'] }],
    ['a resource with a query', { resource: 'https://api.example/mcp?x=1', authorizationServers: ['https://as.example'] }],
    ['no authorization server', { resource: 'https://api.example', authorizationServers: [] }],
    ['a non-URL authorization server', { resource: 'https://api.example', authorizationServers: ['as'] }],
    ['a scope with a space', { resource: 'https://api.example', authorizationServers: ['https://as.example'], scopesSupported: ['a b'] }],
    ['an empty name', { resource: 'https://api.example', authorizationServers: ['https://as.example'], resourceName: '' }],
  ])('refuses %s', (_name, options) => {
    expect(() => protectedResourceMetadata(options)).toThrow(TypeError);
  });
});

describe('challenges with resource_metadata (RFC 9728 §5.1)', () => {
  const challenges = new BearerChallenges('mcp', 'https://api.example/.well-known/oauth-protected-resource/mcp');
  const metadata = 'resource_metadata="https://api.example/.well-known/oauth-protected-resource/mcp"';

  it('puts resource_metadata on the bare 401, with the scope the request needs', () => {
    expect(challenges.missing().wwwAuthenticate).toBe(`Bearer realm="mcp", ${metadata}`);
    expect(challenges.missing(['mcp:tools']).wwwAuthenticate).toBe(`Bearer realm="mcp", ${metadata}, scope="mcp:tools"`);
  });

  it('puts it on invalid_token and on insufficient_scope, which names the scope to step up to', () => {
    expect(challenges.invalidToken('expired').wwwAuthenticate).toBe(`Bearer realm="mcp", ${metadata}, error="invalid_token", error_description="expired"`);
    const step = challenges.insufficientScope(['mcp:admin']);
    expect(step.status).toBe(403);
    expect(step.wwwAuthenticate).toBe(`Bearer realm="mcp", ${metadata}, error="insufficient_scope", error_description="${step.description}", scope="mcp:admin"`);
  });

  it('keeps the bare challenge of RFC 6750 §3.1 without a metadata URL', () => {
    expect(new BearerChallenges('mcp').missing(['a']).wwwAuthenticate).toBe('Bearer realm="mcp"');
  });
});

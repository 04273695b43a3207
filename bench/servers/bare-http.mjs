// The token endpoint's own ceiling on this machine: a bare node:http server that does the least
// a client_credentials token endpoint must do, and nothing else. It reads and parses the same
// form body, checks HTTP Basic client authentication against one fixed secret (constant-time),
// signs the same kind of RFC 9068 ES256 JWT with node:crypto, and answers the same JSON with the
// same headers. No framework, no database, no logging: what an authorization server written for
// speed alone could reach, so that "Tessera / this" says how much Tessera's own design costs.
//
// Usage: node bare-http.mjs PORT CLIENT_ID CLIENT_SECRET AUDIENCE
import { createHash, generateKeyPairSync, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const [portArg, clientId, clientSecret, audience] = process.argv.slice(2);
const port = Number(portArg);
const issuer = `http://127.0.0.1:${port}`;

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = publicKey.export({ format: 'jwk' });
const kid = createHash('sha256').update(JSON.stringify({ crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x, y: publicJwk.y })).digest('base64url');
const headerPart = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString('base64url');
const jwks = JSON.stringify({ keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] });
const expected = createHash('sha256').update(`${clientId}:${clientSecret}`).digest();

const formDecode = (value) => decodeURIComponent(value.replace(/\+/g, ' '));

/** RFC 6749 §2.3.1 client_secret_basic: both parts form-encoded, compared in constant time. */
function authenticated(header) {
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  let presented;
  try {
    presented = `${formDecode(decoded.slice(0, colon))}:${formDecode(decoded.slice(colon + 1))}`;
  } catch {
    return false;
  }
  return timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
}

function send(res, status, body, extra = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache',
    'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(body), ...extra,
  });
  res.end(body);
}

function token(res, text) {
  const params = new URLSearchParams(text);
  if (params.get('grant_type') !== 'client_credentials') return send(res, 400, '{"error":"unsupported_grant_type"}');
  const scope = params.get('scope') ?? 'read';
  if (scope !== 'read') return send(res, 400, '{"error":"invalid_scope"}');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer, sub: clientId, aud: audience, iat: now, exp: now + 300,
    jti: randomBytes(16).toString('base64url'), client_id: clientId, scope,
  };
  const input = `${headerPart}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  send(res, 200, JSON.stringify({ access_token: `${input}.${signature}`, token_type: 'Bearer', expires_in: 300, scope }));
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
    return send(res, 200, JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));
  }
  if (req.method === 'GET' && req.url === '/jwks') return send(res, 200, jwks);
  if (req.method !== 'POST' || req.url !== '/token') return send(res, 404, '{"error":"not_found"}');
  if (!authenticated(req.headers.authorization)) {
    return send(res, 401, '{"error":"invalid_client"}', { 'www-authenticate': 'Basic realm="token"' });
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > 64 * 1024) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => token(res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

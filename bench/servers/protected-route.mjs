// The resource-server check under HTTP load: one Fastify app with the same small JSON route
// twice, GET /open unprotected and GET /protected behind `tessera/resource`'s fastifyBearerAuth
// (requireToken(['read'])), verifying the access tokens of a running Tessera through its public
// metadata and JWKS. "protected / open" is what a real API pays for checking every call's token.
//
// Usage: node protected-route.mjs PORT RESOURCE_MODULE_FILE ISSUER AUDIENCE
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';

const [portArg, moduleFile, issuer, audience] = process.argv.slice(2);
const { fastifyBearerAuth } = await import(pathToFileURL(moduleFile).href);

const app = Fastify({ logger: false });
await app.register(fastifyBearerAuth, { issuer, audience });
const answer = (subject) => ({ ok: true, subject, items: [1, 2, 3] });
app.get('/open', async () => answer('anonymous'));
app.get('/protected', { preHandler: app.requireToken(['read']) }, async (request) => answer(request.accessToken?.subject ?? null));
app.get('/', async () => ({ ok: true }));
await app.listen({ port: Number(portArg), host: '127.0.0.1' });
const stop = () => { void app.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

// The HTTP ceiling of this machine: the same Fastify as Tessera, one POST route that accepts the
// same form body and answers a fixed JSON body of a token response's size, with the same headers.
// No authentication, no signature, no database: what is left is Node's HTTP stack and Fastify.
//
// Usage: node empty-route.mjs PORT BODY_BYTES
import Fastify from 'fastify';

const [portArg, bytesArg] = process.argv.slice(2);
const port = Number(portArg);
const bodyBytes = Number(bytesArg);

// {"access_token":"xxx…","token_type":"Bearer","expires_in":3600,"scope":"read"} padded to size.
const frame = { access_token: '', token_type: 'Bearer', expires_in: 3600, scope: 'read' };
const padding = Math.max(0, bodyBytes - JSON.stringify(frame).length);
const body = JSON.stringify({ ...frame, access_token: 'x'.repeat(padding) });

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) => {
  done(null, text);
});
app.post('/token', async (_request, reply) => {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache').header('x-content-type-options', 'nosniff').type('application/json; charset=utf-8');
  return body;
});
await app.listen({ port, host: '127.0.0.1' });
const stop = () => { void app.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

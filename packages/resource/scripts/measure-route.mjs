// Server CPU per request of a Fastify route protected by fastifyBearerAuth (the same ES256 token
// each time, so the verifier's cache answers) against the same route unprotected. CPU per
// request, not req/s: on a shared machine the wall-clock rate mostly measures the neighbours.
// Needs the package built (npm run build -w @tessera/resource) and autocannon from bench/
// (npm --prefix bench ci). Run: node packages/resource/scripts/measure-route.mjs [seconds] [rounds]
import { fork } from 'node:child_process';

if (process.argv[2] === '--serve') {
  const { default: Fastify } = await import('fastify');
  const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const { fastifyBearerAuth } = await import('../dist/index.js');
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'c', scope: 'read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
    .setIssuer('https://as.example').setSubject('c').setAudience('https://api.example').setIssuedAt(now).setExpirationTime(now + 3600)
    .setJti('bench-jti').sign(privateKey);
  const app = Fastify({ logger: false });
  await app.register(fastifyBearerAuth, { issuer: 'https://as.example', audience: 'https://api.example', jwks: { keys: [jwk] } });
  app.get('/open', async () => ({ ok: true }));
  app.get('/protected', { preHandler: app.requireToken(['read']) }, async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.send?.({ port: app.server.address().port, token });
} else {
  const { default: autocannon } = await import('../../../bench/node_modules/autocannon/autocannon.js');
  const seconds = Number(process.argv[2] ?? 4);
  const rounds = Number(process.argv[3] ?? 3);
  const child = fork(new URL(import.meta.url), ['--serve']);
  const { port, token } = await new Promise((resolve) => child.once('message', resolve));
  const cpu = () => new Promise((resolve) => {
    child.once('message', (message) => resolve(message.cpu.user + message.cpu.system));
    child.send('cpu');
  });
  const run = async (path) => {
    const before = await cpu();
    const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 32, duration: seconds, headers: { authorization: `Bearer ${token}` } });
    if (result.non2xx > 0) throw new Error(`${path}: ${result.non2xx} answers were not 2xx`);
    return ((await cpu()) - before) / result.requests.total;
  };
  await run('/open');
  await run('/protected');
  for (let round = 0; round < rounds; round += 1) {
    const open = await run('/open');
    const prot = await run('/protected');
    console.log(`server CPU per request: unprotected ${open.toFixed(1)} µs, protected ${prot.toFixed(1)} µs: protected runs at ${(100 * open / prot).toFixed(0)}% of the unprotected rate per core`);
  }
  child.kill();
}

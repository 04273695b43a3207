import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFormParser } from '../../src/server/form-body.js';
import { currentCaller, trackRequestCaller } from '../../src/server/request-caller.js';

// The caller's address reaches code that has no request in hand (the metadata-document fetch cap,
// core/safe-fetch.ts), through the hooks, body parsing and awaits of a real request on 127.0.0.1.
const app = Fastify();
let origin: string;

beforeAll(async () => {
  registerFormParser(app);
  trackRequestCaller(app);
  const later = async () => { await new Promise((resolve) => setTimeout(resolve, 5)); return currentCaller(); };
  app.get('/who', async () => ({ caller: await later() }));
  app.post('/who', async () => ({ caller: await later() }));
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

describe('trackRequestCaller', () => {
  it('gives the handler the bucketed caller address, for GET and for form and JSON POST bodies', async () => {
    const get = await (await fetch(`${origin}/who`)).json() as { caller?: string };
    expect(get.caller).toBeTruthy();
    const form = await (await fetch(`${origin}/who`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) })).json() as { caller?: string };
    const json = await (await fetch(`${origin}/who`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"b"}' })).json() as { caller?: string };
    expect(form.caller).toBe(get.caller);
    expect(json.caller).toBe(get.caller);
    expect(get.caller).toContain('127.0.0.1');
    expect(currentCaller()).toBeUndefined();
  });
});

import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { addressBucket } from '../core/login-throttle.js';

/**
 * The address (bucketed as the throttles do: an IPv6 /64 is one caller) of the request being
 * served, for code below the routes that has no request in hand: the metadata-document client
 * store caps the outbound fetches one caller may have running (core/safe-fetch.ts). Set for the
 * whole request with AsyncLocalStorage.run around the rest of the request's hooks and handler.
 */
const storage = new AsyncLocalStorage<string>();

export function trackRequestCaller(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    storage.run(addressBucket(request.ip), done);
  });
}

/** The current request's caller, or undefined outside a request. */
export function currentCaller(): string | undefined {
  return storage.getStore();
}

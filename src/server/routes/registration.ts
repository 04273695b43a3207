import type { FastifyInstance, FastifyReply } from 'fastify';
import { REGISTRATION_PATH, type DynamicRegistration } from '../../core/dynamic-registration.js';

/** RFC 7591 §3.2.1 / RFC 7592 §3: responses carrying credentials are never cached. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * RFC 7591 §3 POST /register (JSON), RFC 7592 §2 GET, PUT, DELETE /register/:client_id with the
 * registration access token. The protocol rules live in core/dynamic-registration.ts.
 */
export function registrationRoutes(app: FastifyInstance, registration: DynamicRegistration): void {
  app.post(REGISTRATION_PATH, async (request, reply) => {
    const information = await registration.register(request.body, request.headers.authorization, request.ip ?? 'unknown');
    // RFC 7591 §3.2.1: 201 Created.
    return noStore(reply).code(201).send(information);
  });
  const clientPath = `${REGISTRATION_PATH}/:clientId`;
  app.get<{ Params: { clientId: string } }>(clientPath, async (request, reply) => {
    const information = await registration.read(request.params.clientId, request.headers.authorization);
    return noStore(reply).send(information);
  });
  app.put<{ Params: { clientId: string } }>(clientPath, async (request, reply) => {
    const information = await registration.update(request.params.clientId, request.body, request.headers.authorization);
    return noStore(reply).send(information);
  });
  app.delete<{ Params: { clientId: string } }>(clientPath, async (request, reply) => {
    await registration.delete(request.params.clientId, request.headers.authorization);
    // RFC 7592 §2.3: 204 No Content.
    return noStore(reply).code(204).send();
  });
}

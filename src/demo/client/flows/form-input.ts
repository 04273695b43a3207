import type { FastifyRequest } from 'fastify';

/** The posted form of a playground action (the form parser gives URLSearchParams). */
export function formOf(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}

/** The scopes ticked in a form, among those the demo clients may ask for; `read` when none. */
export function scopesFrom(form: URLSearchParams): string[] {
  const ticked = form.getAll('scope').filter((scope) => scope === 'read' || scope === 'write');
  return ticked.length > 0 ? [...new Set(ticked)] : ['read'];
}

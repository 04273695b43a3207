import { html } from '../../html/html.js';
import { page } from './page.js';

/**
 * RP-Initiated Logout 1.0 §2: the question asked when the logout request cannot be trusted to come
 * from the signed-in user's application (no valid id_token_hint, or one for another session). The
 * form carries the request's parameters back, to be validated again, and the session's CSRF token.
 */
export function logoutConfirmationPage(input: {
  csrfToken: string; username: string; clientName: string | undefined; params: Readonly<Record<string, string>>;
}): string {
  return page('Sign out', html`
<h1 id="page-title">Sign out of Tessera?</h1>
${input.clientName !== undefined
    ? html`<p class="muted">An application calling itself <strong>${input.clientName}</strong> asks you to sign out. You are signed in as <strong>${input.username}</strong>.</p>`
    : html`<p class="muted">A page asks you to sign out. You are signed in as <strong>${input.username}</strong>.</p>`}
<p class="muted">Signing out ends your session here; the applications you signed in to are told.</p>
<form method="post" action="/end_session/confirm">
  <input type="hidden" name="csrf_token" value="${input.csrfToken}">
${Object.entries(input.params).map(([name, value]) => html`  <input type="hidden" name="${name}" value="${value}">\n`)}
  <div class="actions"><button type="submit" name="decision" value="stay" class="secondary">Stay signed in</button><button type="submit" name="decision" value="logout">Sign out</button></div>
</form>`);
}

/** A logout request that cannot be honoured as sent; never a redirect (§3). Signed-in users may still sign out. */
export function logoutRefusedPage(description: string, signOut: { csrfToken: string } | undefined): string {
  return page('Logout request refused', html`
<h1 id="page-title">Logout request refused</h1>
<p class="alert" role="alert">${description}</p>
<p class="muted">The application that sent you here may be misconfigured.</p>
${signOut ? html`<form method="post" action="/logout">
  <input type="hidden" name="csrf_token" value="${signOut.csrfToken}">
  <div class="actions"><button type="submit">Sign out anyway</button></div>
</form>` : html`<p class="muted">You are not signed in. You can close this page.</p>`}`);
}

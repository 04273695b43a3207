import { html } from '../../html/html.js';
import { page } from './page.js';

/** Known scopes in plain words; anything else is named as it is. */
const SCOPE_WORDS: Record<string, { title: string; detail: string }> = {
  read: { title: 'See your resources', detail: 'Read the resources kept for you, without changing them.' },
  write: { title: 'Create and change your resources', detail: 'Add new resources and change existing ones on your behalf.' },
  // OpenID Connect Core §5.4 and §11, in the words of what each releases.
  openid: { title: 'Sign you in', detail: 'Learn who you are at this server (your user identifier), and when you signed in.' },
  profile: { title: 'See your profile', detail: 'Your name, username, picture, website, gender, birthdate, time zone and language.' },
  email: { title: 'See your email address', detail: 'Your email address, and whether it has been verified.' },
  address: { title: 'See your postal address', detail: 'The postal address in your profile.' },
  phone: { title: 'See your phone number', detail: 'Your phone number, and whether it has been verified.' },
  offline_access: { title: 'Keep access while you are away', detail: 'Stay connected after you leave, until you withdraw it on your account page.' },
};

/** OpenID Connect Core §5.1 claims in plain words, for claims asked for one by one (the claims parameter). */
const CLAIM_WORDS: Record<string, string> = {
  name: 'your full name', given_name: 'your given name', family_name: 'your family name', middle_name: 'your middle name',
  nickname: 'your nickname', preferred_username: 'your username', profile: 'your profile page', picture: 'your picture',
  website: 'your website', email: 'your email address', email_verified: 'whether your email address is verified',
  gender: 'your gender', birthdate: 'your birthdate', zoneinfo: 'your time zone', locale: 'your language',
  phone_number: 'your phone number', phone_number_verified: 'whether your phone number is verified',
  address: 'your postal address', updated_at: 'when your profile last changed',
};

/** A claim asked for one by one, in plain words. */
export function describeClaim(claim: string): string {
  return CLAIM_WORDS[claim] ?? claim;
}

export function describeScope(scope: string): { title: string; detail: string } {
  return SCOPE_WORDS[scope] ?? { title: `Use “${scope}”`, detail: `Access granted under the “${scope}” permission.` };
}

export interface SignInPageInput {
  csrfToken: string;
  returnTo: string;
  clientName?: string;
  error?: string;
  /** Prefilled (the user's last attempt, the current user signing in again, or an OpenID login_hint); escaped like all text. */
  username?: string;
  /** Why a signed-in user is asked to sign in (again), in plain words. */
  notice?: string;
  /** prompt=select_account: the user signed in, offered to go on as them before the form for another account. */
  currentUsername?: string;
}

export function signInPage(input: SignInPageInput): string {
  const intro = input.clientName ? html`<p class="muted"><strong><bdi>${input.clientName}</bdi></strong> wants to access your account. Sign in to continue.</p>` : html`<p class="muted">Sign in to your account.</p>`;
  return page(input.currentUsername === undefined ? 'Sign in' : 'Choose an account', html`
${input.currentUsername === undefined ? html`<h1 id="page-title">Sign in</h1>
${intro}` : html`<h1 id="page-title">Choose an account</h1>
<p class="muted"><strong><bdi>${input.clientName ?? 'The application'}</bdi></strong> asks which account to use. You are signed in as <strong>${input.currentUsername}</strong>.</p>
<form method="post" action="/login">
  <input type="hidden" name="csrf_token" value="${input.csrfToken}">
  <input type="hidden" name="return_to" value="${input.returnTo}">
  <input type="hidden" name="account" value="current">
  <div class="actions"><button type="submit">Continue as ${input.currentUsername}</button></div>
</form>
<p class="muted">Or sign in with another account:</p>`}
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
${input.error ? html`<p class="alert" role="alert">${input.error}</p>` : ''}
<form method="post" action="/login" novalidate>
  <input type="hidden" name="csrf_token" value="${input.csrfToken}">
  <input type="hidden" name="return_to" value="${input.returnTo}">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.username ?? ''}"${input.currentUsername === undefined ? html` autofocus` : ''}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <div class="actions"><button type="submit"${input.currentUsername === undefined ? '' : html` class="secondary"`}>Sign in</button></div>
</form>`);
}

/** The host a redirect URI sends the browser to, as the user should read it. */
function destination(redirectUri: string): string {
  try {
    const url = new URL(redirectUri);
    return url.host === '' ? `${url.protocol}${url.pathname}` : url.host;
  } catch {
    return redirectUri;
  }
}

export function consentPage(input: {
  csrfToken: string; request: string; clientName: string; username: string; scopes: string[]; redirectUri: string;
  /** Claims asked for one by one beyond the scopes (OpenID Connect claims parameter); essential ones marked. */
  claims?: readonly { name: string; essential: boolean }[];
  /** A client known only from its Client ID Metadata Document: its URL (the client_id). */
  metadataDocument?: string | undefined;
  /** A client that registered itself (RFC 7591): its name is its own claim, like a metadata-document client's. */
  selfRegistered?: boolean | undefined;
}): string {
  const claims = input.claims ?? [];
  return page('Allow access', html`
<h1 id="page-title">Allow <bdi>${input.clientName}</bdi> to access your account?</h1>
${input.metadataDocument !== undefined ? html`<p class="alert" role="note">This application is <strong>not verified</strong> by the operator of this server: its name is what <strong class="client-host">${destination(input.metadataDocument)}</strong> says about it. It will send you back to <strong class="redirect-host">${destination(input.redirectUri)}</strong>. Allow only if you trust them.</p>`
    : input.selfRegistered === true ? html`<p class="alert" role="note">This application registered itself and is <strong>not verified</strong> by the operator of this server: its name is its own claim. It will send you back to <strong class="redirect-host">${destination(input.redirectUri)}</strong>. Allow only if you trust them.</p>` : ''}
<p class="muted">Signed in as <strong>${input.username}</strong>. <strong><bdi>${input.clientName}</bdi></strong> asks to:</p>
<ul class="scopes">
${input.scopes.map((scope) => {
    const words = describeScope(scope);
    return html`<li><strong>${words.title}</strong><span class="muted">${words.detail} <code>${scope}</code></span></li>`;
  })}
${claims.length > 0 ? html`<li><strong>Also see</strong><span class="muted">${claims.map((claim, index) => html`${index > 0 ? ', ' : ''}${describeClaim(claim.name)}${claim.essential ? ' (the application needs it)' : ''}`)}.</span></li>` : ''}
</ul>
<p class="muted">Whatever you answer, you will be sent back to <strong class="destination">${destination(input.redirectUri)}</strong>. You can withdraw this later on <a href="/account">your account page</a>.</p>
<form method="post" action="/consent">
  <input type="hidden" name="csrf_token" value="${input.csrfToken}">
  <input type="hidden" name="request" value="${input.request}">
  <div class="actions">
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
    <button type="submit" name="decision" value="allow">Allow</button>
  </div>
</form>`);
}

export function errorPage(title: string, description: string): string {
  return page(title, html`
<h1 id="page-title">${title}</h1>
<p class="alert" role="alert">${description}</p>
<p class="muted">The application that sent you here may be misconfigured. You can close this page.</p>`);
}

/** Where a redirect URI goes, as the user should read it: its origin, or a private-use URI's scheme. */
function shownOrigin(redirectUri: string): string {
  try {
    const url = new URL(redirectUri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    return url.host === '' ? url.protocol : `${url.protocol}//${url.host}`;
  } catch {
    return 'the application';
  }
}

/**
 * An authorization error the server does not redirect by itself (RFC 9700 §4.11.2; the client
 * registered itself, authorize/error-redirect.ts): the error code and its fixed description, and a
 * plain link carrying the RFC 6749 §4.1.2.1 error response, for the user to follow or not.
 */
export function authorizationErrorPage(input: { error: string; description: string; location: string }): string {
  return page('Request refused', html`
<h1 id="page-title">The application's request was refused</h1>
<p class="alert" role="alert"><code>${input.error}</code>: ${input.description}</p>
<p class="muted">This application registered itself and is not verified by the operator of this server, so you are not sent back to it automatically. If you trust it, you can return to it with this error; otherwise close this page.</p>
<p><a class="return-link" href="${input.location}" rel="noreferrer">Return to ${shownOrigin(input.location)}</a></p>`);
}

export function signedOutPage(): string {
  return page('Signed out', html`
<h1 id="page-title">You are signed out</h1>
<p class="muted">You can close this page.</p>`);
}

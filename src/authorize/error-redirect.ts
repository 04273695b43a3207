import { isSelfService } from '../core/audience.js';
import type { Client } from '../store/types.js';

/**
 * Whether an authorization error for this client must wait for the user instead of redirecting at
 * once, when the user has not yet signed in and decided on the consent page.
 *
 * RFC 6749 §4.1.2.1 sends errors back to the verified redirect URI. RFC 9700 §4.11.2 (authorization
 * server as open redirector) names this very attack, a client registered "via dynamic client
 * registration" that sends "an erroneous authorization request, e.g., by using an invalid scope
 * value", and says: "The AS MUST take precautions to prevent this threat. [...] SHOULD only
 * automatically redirect the user agent if it trusts the redirect URI. If the URI is not trusted,
 * the AS MAY inform the user and rely on the user to make the correct decision."
 *
 * A client an administrator registered (CLI, seed file, admin API) has URIs the operator vouched
 * for. A self-registered client's (RFC 7591 dynamic registration, a Client ID Metadata Document) are
 * whatever anyone chose: with open registration, an error redirect is a redirector to any https URI
 * under this server's name. So its errors are shown on the server's page, naming the error, with a
 * link carrying the RFC 6749 §4.1.2.1 error response: the user decides.
 *
 * prompt=none errors (login_required, consent_required, ...; OpenID Connect Core §3.1.2.6) too.
 * Core §3.1.2.1 forbids "any authentication or consent user interface pages" under prompt=none;
 * an error page that asks nothing is neither.
 * §4.11.2 excepts silent authentication only from prompting for credentials, not from trusting the
 * URI, and these errors would go to the URI the self-registering party chose, which is the whole
 * problem: a link with prompt=none is the red team's request with nobody signed in. So silent
 * authentication of a self-registered client that fails ends on this page, and the client hears
 * nothing back; one that succeeds redirects the code as before, which only a signed-in user who
 * already allowed the client can cause.
 *
 * After the user signed in and answered the consent page (access_denied from Deny, or a code), the
 * redirect goes as before: the consent page named the destination, and the user chose.
 */
export function errorRedirectNeedsUser(client: Client): boolean {
  return isSelfService(client);
}

// References to the RFCs and OpenID specifications the playground cites, and their links.

/** The OpenID Foundation specifications the guides cite (not RFCs). */
export type OpenIdSpec = 'core' | 'rp-initiated-logout' | 'back-channel-logout';

/**
 * An RFC section, e.g. `{ rfc: 9700, section: '2.1.2' }`, or an OpenID Connect specification's,
 * e.g. `{ spec: 'core', section: '3.1.3.7' }`; no section means the whole document.
 */
export type RfcReference = { rfc: number; section?: string } | { spec: OpenIdSpec; section?: string };

const OPENID_SPECS: Record<OpenIdSpec, { title: string; href: string }> = {
  'core': { title: 'OpenID Connect Core', href: 'https://openid.net/specs/openid-connect-core-1_0.html' },
  'rp-initiated-logout': { title: 'RP-Initiated Logout', href: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html' },
  'back-channel-logout': { title: 'Back-Channel Logout', href: 'https://openid.net/specs/openid-connect-backchannel-1_0.html' },
};

export const ref = (rfc: number, section?: string): RfcReference => (section === undefined ? { rfc } : { rfc, section });

export const oidc = (spec: OpenIdSpec, section?: string): RfcReference => (section === undefined ? { spec } : { spec, section });

export function rfcHref(reference: RfcReference): string {
  // The OpenID specifications' anchors are names, not section numbers: the link opens the document.
  if ('spec' in reference) return OPENID_SPECS[reference.spec].href;
  return `https://www.rfc-editor.org/rfc/rfc${reference.rfc}${reference.section ? `#section-${reference.section}` : ''}`;
}

export function rfcLabel(reference: RfcReference): string {
  const name = 'spec' in reference ? OPENID_SPECS[reference.spec].title : `RFC ${reference.rfc}`;
  return `${name}${reference.section ? ` §${reference.section}` : ''}`;
}


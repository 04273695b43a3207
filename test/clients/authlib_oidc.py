#!/usr/bin/env python3
"""Python authlib (Debian's python3-authlib) as an OpenID Connect relying party of Tessera.

Used by test/oidc/authlib-client.http.test.ts, which drives the browser part (sign-in and consent)
itself. Two steps, each printing one JSON object on stdout:

  authlib_oidc.py start  --issuer URL --client-id ID --client-secret SECRET --redirect-uri URI --scope SCOPE
      authlib discovers the provider (/.well-known/openid-configuration) and builds the
      authorization URL with PKCE (S256), a nonce and a state: {"url", "state", "nonce", "code_verifier"}.
  authlib_oidc.py finish (same options) --callback URL --state S --nonce N --code-verifier V
      authlib checks the state and exchanges the code (client_secret_basic, the code_verifier),
      validates the ID token with parse_id_token (signature against the JWKS, iss, aud, exp,
      nonce, at_hash) and calls UserInfo: {"id_token_claims", "userinfo", "token", "iss"}.

Errors go to stderr with a non-zero exit status. Only the test's server on 127.0.0.1 is ever
reached; it speaks plain http, which authlib refuses unless AUTHLIB_INSECURE_TRANSPORT is set.
"""
import argparse
import json
import os
import sys

os.environ.setdefault('AUTHLIB_INSECURE_TRANSPORT', '1')

from authlib.integrations.base_client import BaseApp, FrameworkIntegration, OAuth2Mixin, OpenIDMixin  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402


class RelyingParty(OAuth2Mixin, OpenIDMixin, BaseApp):
    """authlib's own OAuth 2 + OpenID client, as its Flask and Django integrations compose it, without a web framework."""
    client_cls = OAuth2Session


def relying_party(args):
    return RelyingParty(
        FrameworkIntegration('tessera-test'),
        name='tessera',
        client_id=args.client_id,
        client_secret=args.client_secret,
        server_metadata_url=args.issuer.rstrip('/') + '/.well-known/openid-configuration',
        client_kwargs={'scope': args.scope, 'code_challenge_method': 'S256', 'token_endpoint_auth_method': 'client_secret_basic'},
    )


def start(args):
    rp = relying_party(args)
    # authlib adds the code_challenge (S256 of a fresh code_verifier), a nonce (openid scope) and a state.
    request = rp.create_authorization_url(redirect_uri=args.redirect_uri)
    return {key: request[key] for key in ('url', 'state', 'nonce', 'code_verifier')}


def finish(args):
    rp = relying_party(args)
    metadata = rp.load_server_metadata()
    # RFC 9207: the authorization response names its issuer; authlib 1.2 does not check it, so this does.
    from urllib.parse import parse_qs, urlsplit
    response_iss = parse_qs(urlsplit(args.callback).query).get('iss', [None])[0]
    if response_iss != metadata['issuer']:
        raise RuntimeError('the authorization response iss is not the discovered issuer')
    token = rp.fetch_access_token(
        redirect_uri=args.redirect_uri, authorization_response=args.callback, state=args.state, code_verifier=args.code_verifier,
    )
    claims = rp.parse_id_token(token, nonce=args.nonce)
    userinfo = rp.userinfo(token=token)
    return {
        'iss': response_iss,
        'id_token_claims': dict(claims),
        'userinfo': dict(userinfo),
        'token': {key: token.get(key) for key in ('token_type', 'scope', 'expires_in')} | {'has_refresh_token': 'refresh_token' in token},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('step', choices=['start', 'finish'])
    for option in ('--issuer', '--client-id', '--client-secret', '--redirect-uri', '--scope'):
        parser.add_argument(option, required=True)
    for option in ('--callback', '--state', '--nonce', '--code-verifier'):
        parser.add_argument(option)
    args = parser.parse_args()
    try:
        result = start(args) if args.step == 'start' else finish(args)
    except Exception as error:  # reported to the test, which asserts on it
        print(f'{type(error).__name__}: {error}', file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())

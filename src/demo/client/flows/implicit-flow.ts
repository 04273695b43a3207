import { consentAgainHint } from '../views/consent-again.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, SafeHtml } from '../../../html/html.js';
import { PLAYGROUND_CLIENTS, playgroundRedirectUris } from '../../demo-seed.js';
import type { ImplicitSpaConfig } from '../browser/implicit-spa-config.js';
import { RESOURCES_PATH } from '../oauth/resource-server-calls.js';
import { setPlaygroundPageHeaders } from '../page-headers.js';
import type { PlaygroundContext } from '../playground-context.js';
import { flowPage, scopeFields } from '../views/flow-page.js';
import { controlText } from '../content/flow-content.js';
import { IMPLICIT_FLOW as FLOW } from '../content/implicit.js';
import { FlowRun } from './flow-run.js';
import { grantPage } from './grant-catalog.js';

const PATH = '/implicit';

/** A JSON data block is not script: CSP lets it be, and `<` is escaped so the data cannot end the element. */
function jsonBlock(id: string, value: unknown): SafeHtml {
  return new SafeHtml(`<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`);
}

/**
 * RFC 6749 §4.2, played by "Gallery SPA": the server only delivers the page; the flow itself runs
 * in the browser (browser/implicit-spa.ts), as a single-page app without a backend would.
 */
/** What the page offers once the token is expired or refused: a new token (the grant again), and the refresh page. */
export function implicitOffers(): SafeHtml {
  return html`<div class="token-offers"><div class="action-form"><button type="button" data-spa-reset>${controlText(FLOW, 'new-token')}</button></div><p>${controlText(FLOW, 'no-refresh')} <a href="/refresh-token">${controlText(FLOW, 'refresh-page')}</a></p></div>`;
}

export function implicitRoutes(app: FastifyInstance, ctx: PlaygroundContext): void {
  const grant = grantPage('implicit');
  const client = PLAYGROUND_CLIENTS.implicit;
  const redirectUri = playgroundRedirectUris(ctx.urls).implicit;

  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    const as = await ctx.authorizationServer.get();
    const config: ImplicitSpaConfig = {
      authorizationEndpoint: as.authorization_endpoint ?? `${ctx.urls.authorizationServer}/authorize`,
      clientId: client.clientId,
      redirectUri,
      resource: ctx.urls.resourceServer,
      resourcesUrl: new URL(RESOURCES_PATH, ctx.urls.resourceServer).href,
      pagePath: PATH,
    };
    // No server-side run: the state of this flow lives in the browser, as a real SPA's would.
    // The token's states, as on the server-rendered pages (flows/resource-call-routes.ts): live, expired (the countdown at zero), refused.
    const offers = implicitOffers();
    const expiredCall = html`<div class="action-form" data-show-at-zero hidden><button type="button" data-spa-call class="secondary">${controlText(FLOW, 'call-expired')}</button></div>`;
    const controls = html`<p class="alert" role="alert" id="spa-problem" hidden></p>
<noscript><p class="alert">${controlText(FLOW, 'needs-javascript')}</p></noscript>
<div data-show-when="idle"><p>${controlText(FLOW, 'intro')}</p>
${scopeFields()}
<div class="action-form"><button type="button" id="spa-start">${controlText(FLOW, 'start')}</button></div>
${consentAgainHint(ctx.urls.authorizationServer)}</div>
<div data-show-when="token" hidden><p data-hide-at-zero>${controlText(FLOW, 'holds-token')}</p>
<div data-spa-token-life></div>
<div class="action-form" data-hide-at-zero><button type="button" data-spa-call>${controlText(FLOW, 'call')}</button></div>
${expiredCall}</div>
<div data-show-when="done" hidden><p data-hide-at-zero>${controlText(FLOW, 'complete')}</p>
<div data-spa-token-life></div>
<div class="action-form" data-hide-at-zero><button type="button" data-spa-call>${controlText(FLOW, 'call-again')}</button></div>
${expiredCall}</div>
<div data-show-when="refused" hidden><p class="flow-refused">${controlText(FLOW, 'refused')}</p>
${offers}</div>
<div class="action-form" data-hide-at-zero><button type="button" id="spa-reset" class="secondary" hidden>Start over</button></div>`;
    setPlaygroundPageHeaders(reply, ctx.urls);
    return reply.send(flowPage({
      grant, urls: ctx.urls, run: new FlowRun(FLOW), now: ctx.clock.nowSeconds(), controls, clientLane: 'JavaScript in this page',
      client: { clientId: client.clientId, clientName: client.clientName, kind: 'public', grantTypes: ['implicit'], redirectUri, scope: 'read write' },
      scripts: ['/assets/implicit-spa.js'],
      data: jsonBlock('spa-config', config),
    }));
  };
  app.get(PATH, page);
  // The redirect URI: the same page, whose script finds the token in the fragment.
  app.get(`${PATH}/callback`, page);
}

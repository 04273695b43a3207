import type { DemoUrls } from '../../src/demo/demo-urls.js';
import { authorizeAs, hiddenField, UserAgent } from './user-agent.js';

/**
 * A visitor of the playground over plain HTTP: one cookie jar for the Client's pages, one for the
 * Auth Server's, the playground's CSRF field filled in, redirects followed as a browser would.
 */
export class PlaygroundVisitor {
  readonly client: UserAgent;
  readonly authServer: UserAgent;

  constructor(readonly urls: DemoUrls) {
    this.client = new UserAgent(urls.client);
    this.authServer = new UserAgent(urls.authorizationServer);
  }

  /** GET a playground page (the flow's page after an action). */
  async page(path: string): Promise<string> {
    const response = await this.client.request(path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return response.body;
  }

  /** POSTs one of a page's forms with its CSRF token; returns where the Client sent the browser. */
  async submit(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<string> {
    const page = await this.page(pagePath);
    const response = await this.client.request(action, { form: { csrf: hiddenField(page, 'csrf'), ...fields } });
    if (response.status !== 303 || !response.location) throw new Error(`POST ${action}: ${response.status} ${response.body.slice(0, 200)}`);
    return response.location;
  }

  /** POSTs a form and returns the page it leads back to (a same-origin redirect). */
  async act(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<string> {
    const location = await this.submit(pagePath, action, fields);
    return this.page(new URL(location, this.urls.client).pathname);
  }

  /** Goes through the Auth Server as the user (sign in, allow or deny) and back to the Client's callback. */
  async throughAuthServer(authorizeUrl: string, user: { username: string; password: string }, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
    const back = await authorizeAs(this.authServer, authorizeUrl, user, decision);
    const callback = await this.client.request(`${back.pathname}${back.search}`);
    if (callback.status !== 303 || !callback.location) throw new Error(`callback: ${callback.status}`);
    return this.page(new URL(callback.location, this.urls.client).pathname);
  }
}

/** The text of one step card of a page (between its <details> tags), found by its step id. */
export function stepCardOf(page: string, stepId: string): string {
  const start = page.indexOf(`data-step-id="${stepId}"`, page.indexOf('<section class="steps"'));
  if (start < 0) throw new Error(`no step card ${stepId}`);
  const open = page.lastIndexOf('<details', start);
  // A card holds details of its own (the raw HTTP view): end at the tag that closes the card itself.
  const tags = /<details\b|<\/details>/g;
  tags.lastIndex = open;
  let depth = 0;
  for (let tag = tags.exec(page); tag; tag = tags.exec(page)) {
    depth += tag[0] === '</details>' ? -1 : 1;
    if (depth === 0) return page.slice(open, tag.index + '</details>'.length);
  }
  throw new Error(`step card ${stepId} is not closed`);
}

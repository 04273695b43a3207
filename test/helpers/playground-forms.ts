/**
 * The playground driven over HTTP as a browser without JavaScript would: a cookie jar of one
 * cookie (the playground session), GET a page, POST one of its forms with the CSRF token the page
 * carries, follow the 303 back. For http tests of the playground's pages.
 */
export class PlaygroundVisitor {
  private cookie: string | undefined;

  constructor(private readonly origin: string) {}

  async get(path: string): Promise<{ status: number; text: string; headers: Headers }> {
    const response = await fetch(new URL(path, this.origin), { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' });
    this.remember(response);
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  /** POSTs the form whose action is `action` on `page` (its CSRF token), plus `fields`, and returns the page it redirects to. */
  async post(page: string, action: string, fields: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const response = await this.submit(page, action, fields);
    if (response.status !== 303) return { status: response.status, text: await response.text() };
    const location = response.headers.get('location') ?? page;
    const followed = await this.get(location.split('#')[0] ?? location);
    return { status: followed.status, text: followed.text };
  }

  /** POSTs the form, and returns the answer without following it (e.g. a redirect to the Auth Server). */
  async submit(page: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
    const { text } = await this.get(page);
    const csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (!text.includes(`action="${action}"`)) throw new Error(`no form posts to ${action} on ${page}`);
    if (!csrf) throw new Error(`no CSRF token on ${page}`);
    const response = await fetch(new URL(action, this.origin), {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'origin': this.origin, ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: new URLSearchParams({ csrf, ...fields }),
    });
    this.remember(response);
    return response;
  }

  private remember(response: Response): void {
    const set = response.headers.get('set-cookie');
    const value = set ? /^(playground_session=[^;]+)/.exec(set)?.[1] : undefined;
    if (value) this.cookie = value;
  }
}

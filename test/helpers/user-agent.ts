/**
 * A minimal browser for HTTP tests of the authorization pages: keeps cookies, reads the forms'
 * hidden fields, never follows redirects by itself. Real-browser tests live in test/e2e/.
 */
export class UserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: string; location: string | null }> {
    const url = path.startsWith('http') ? path : `${this.origin}${path}`;
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      body: init.form ? new URLSearchParams(init.form).toString() : null,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, headers: response.headers, body: await response.text(), location: response.headers.get('location') };
  }

  forgetCookies(): void {
    this.cookies.clear();
  }
}

/** The value of a hidden input in a page. */
export function hiddenField(body: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(body);
  if (!match?.[1] && match?.[1] !== '') throw new Error(`no hidden field ${name} in page`);
  return match[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/**
 * Drives /authorize as a user would: sign in if asked, answer the consent page if shown,
 * and return the final redirect to the client.
 */
export async function authorizeAs(agent: UserAgent, authorizeUrl: string, user: { username: string; password: string }, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  let page = await agent.request(authorizeUrl);
  if (page.status === 200 && page.body.includes('action="/login"')) {
    const signIn = await agent.request('/login', {
      form: { csrf_token: hiddenField(page.body, 'csrf_token'), return_to: hiddenField(page.body, 'return_to'), ...user },
    });
    if (signIn.status !== 303 || !signIn.location) throw new Error(`sign-in failed: ${signIn.status}`);
    page = await agent.request(signIn.location);
  }
  if (page.status === 200 && page.body.includes('action="/consent"')) {
    page = await agent.request('/consent', {
      form: { csrf_token: hiddenField(page.body, 'csrf_token'), request: hiddenField(page.body, 'request'), decision },
    });
  }
  if (page.status !== 303 || !page.location) throw new Error(`expected a redirect to the client, got ${page.status}: ${page.body.slice(0, 200)}`);
  return new URL(page.location);
}

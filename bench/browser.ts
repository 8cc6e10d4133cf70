/** Just enough of a browser for setup steps: keeps cookies, reads hidden form fields. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<{ status: number; html: string }> {
    const res = await fetch(this.baseUrl + path, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, html: await res.text() };
  }

  async postForm(path: string, fields: Record<string, string>): Promise<{ status: number; location: string | null }> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    await res.arrayBuffer();
    return { status: res.status, location: res.headers.get('location') };
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

/** The value of a hidden input, e.g. `_csrf` or `policyVersion`. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field "${name}" in the page`);
  return m[1]!;
}

/** A multipart/form-data body built once, to be replayed by the load generator. */
export async function multipartBody(fields: Record<string, string>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

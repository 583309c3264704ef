// The back office talks only to Halo's public REST API (/api/v1). The session token lives in
// sessionStorage (never in a URL) and sign-out removes it.

const TOKEN_KEY = 'halo.session';

export interface Session {
  token: string;
  member_id: string;
  role: 'admin' | 'consultant' | 'customer';
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details: unknown[] = [],
  ) {
    super(message);
  }
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null) {
  if (s) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

interface Options {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
}

export function apiPath(path: string, query?: Options['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  return '/api/v1' + path + (qs ? '?' + qs : '');
}

async function send(path: string, opts: Options): Promise<Response> {
  const headers: Record<string, string> = {};
  const s = loadSession();
  if (s) headers['Authorization'] = 'Bearer ' + s.token;
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  const method = opts.method ?? 'GET';
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await fetch(apiPath(path, opts.query), { method, headers, body });
    } catch {
      throw new ApiError(0, 'network', 'Halo cannot be reached. Check your connection and try again.');
    }
    // A read refused because Halo is at capacity says when to come back (503 with Retry-After):
    // the page tries again twice before it shows the message. Writes are never refused so.
    const after = Number(res.headers.get('Retry-After'));
    if (method !== 'GET' || res.status !== 503 || !(after > 0) || attempt >= 2) break;
    await new Promise((r) => setTimeout(r, Math.min(after, 5) * 1000));
  }
  if (!res.ok) {
    let code = 'error';
    let message = `The request failed (${res.status}).`;
    let details: unknown[] = [];
    try {
      const b = await res.json();
      if (b?.error) {
        code = b.error.code ?? code;
        message = b.error.message ?? message;
        details = b.error.details ?? [];
      }
    } catch {
      /* not JSON: keep the generic message */
    }
    if (res.status === 401 && s && !path.startsWith('/auth/login')) onUnauthorized();
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

/** Calls the API and returns its JSON; a failure throws an ApiError with the API's message. */
export async function api<T>(path: string, opts: Options = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Downloads a file the API produces (CSV, calendar) with the session's token. */
export async function download(path: string, filename: string, query?: Options['query']) {
  const res = await send(path, { query });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

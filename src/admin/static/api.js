// The /v1 API with the key of this browser tab. A 401 logs out; every other error becomes an ApiError.
const KEY = 'hostdigest.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? `http_${status}`;
    this.field = body?.field;
    this.body = body ?? {};
  }
}

let unauthorized = () => {};
export const onUnauthorized = (fn) => (unauthorized = fn);

export async function api(method, path, body, opts = {}) {
  const key = opts.key ?? session.key;
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  let payload;
  if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['content-type'] = opts.contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: 'no-store', credentials: 'omit', signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', message: 'The service cannot be reached.' });
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text.slice(0, 200) };
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && !opts.key) unauthorized(err);
    throw err;
  }
  return data;
}

// Every page of a {data, nextCursor} list.
export async function listAll(path) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    if (Array.isArray(page)) return page;
    out.push(...(page?.data ?? []));
    cursor = page?.nextCursor ?? null;
  } while (cursor);
  return out;
}

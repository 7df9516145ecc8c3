import { ValidationError } from '../errors/domain-error';

// An Apprise-style URL taken apart. Not WHATWG URL parsing: Apprise URLs put tokens with ':' in the host
// (tgram://123456:AA…/chat), '#' and '@' in path segments (slack://…/#channel, opsgenie://key/@user), and may hold an
// env:NAME reference where a secret goes. Pure. Error messages never quote the URL: it holds secrets.
export interface AppriseParts {
  scheme: string; // lower case, without "://"
  user: string | null;
  password: string | null;
  host: string;
  port: number | null;
  path: string[]; // non-empty segments, percent-decoded
  query: URLSearchParams; // keys lower-cased
}

const ENV = /^env:[A-Za-z_][A-Za-z0-9_]*$/;

export function splitAppriseUrl(raw: unknown): AppriseParts {
  if (typeof raw !== 'string' || !raw.trim() || raw.length > 4096) throw bad('must be an Apprise URL of at most 4096 characters, e.g. ntfys://token@ntfy.example.com/topic');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(raw.trim());
  if (!m) throw bad('must start with a scheme, e.g. ntfys:// or tgram://');
  if (/[\s<>"]/.test(m[2])) throw bad('must not contain spaces, quotes or angle brackets');
  const q = m[2].indexOf('?');
  const rest = q < 0 ? m[2] : m[2].slice(0, q);
  const query = new URLSearchParams();
  if (q >= 0) for (const [k, v] of new URLSearchParams(m[2].slice(q + 1))) query.append(k.toLowerCase(), v);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? null : authority.slice(0, at);
  const hostport = at < 0 ? authority : authority.slice(at + 1);
  let user: string | null = null;
  let password: string | null = null;
  if (userinfo !== null) {
    const colon = ENV.test(userinfo) ? -1 : userinfo.indexOf(':');
    user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), 'the user part');
    password = colon < 0 ? null : decode(userinfo.slice(colon + 1), 'the password part');
  }
  const pm = ENV.test(hostport) ? null : /^(.*):(\d{1,5})$/.exec(hostport);
  const port = pm ? Number(pm[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) throw bad('has a port outside 1–65535');
  const path = (slash < 0 ? '' : rest.slice(slash + 1)).split('/').filter(Boolean).map((s) => decode(s, 'a path segment'));
  return { scheme: m[1].toLowerCase(), user: user || null, password, host: decode(pm ? pm[1] : hostport, 'the host part'), port, path, query };
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw bad(`has a malformed percent-encoding in ${what}`);
  }
}

export function bad(reason: string): ValidationError {
  return new ValidationError('appriseUrl', `appriseUrl ${reason}`);
}

export const isEnvRef = (s: string | null | undefined): boolean => !!s && ENV.test(s);

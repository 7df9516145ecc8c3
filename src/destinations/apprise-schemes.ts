import { AppriseParts, bad, isEnvRef, splitAppriseUrl } from './apprise-url';
import { RETIRED_CONNECTOR } from './channels/teams.kind';

// Apprise URLs (caronc/apprise, channels.md) for the kinds built: each scheme parsed into the same config fields the
// form takes (then checked by the kind's spec like any config), and each kind shown back as a URL with its secrets
// masked. A secret may be an env:NAME reference in the URL. Pure.

type Parse = (p: AppriseParts) => { kind: string; config: Record<string, unknown> };
type Describe = (field: string) => string | null; // a secret field as the API shows it: "encrypted" or env:NAME

const SCHEMES: Record<string, Parse> = {
  slack: (p) => {
    const channel = p.path.find((s) => /^[#@]/.test(s)) ?? null;
    if (/^(?:xoxe\.)?xox[abp]-|^env:/.test(p.host) && (p.path.length === 0 || channel)) {
      return { kind: 'slack', config: { botToken: p.host, channel: channel ?? '#general' } };
    }
    const tokens = [p.host, ...p.path.filter((s) => !/^[#@+]/.test(s))];
    if (tokens.length !== 3) throw bad('slack:// takes slack://TokenA/TokenB/TokenC (incoming webhook) or slack://xoxb-…/#channel (bot token)');
    if (channel) throw bad('slack:// with webhook tokens posts to the channel the webhook was created for: leave out the /#channel part, or use a bot token');
    return { kind: 'slack', config: { webhookUrl: `https://hooks.slack.com/services/${tokens.map(encodeURIComponent).join('/')}` } };
  },
  discord: (p) => {
    if (!/^\d+$/.test(p.host) || p.path.length !== 1) throw bad('discord:// takes discord://[botname@]webhook_id/webhook_token');
    const avatar = p.query.get('avatar_url');
    return { kind: 'discord', config: { webhookUrl: `https://discord.com/api/webhooks/${p.host}/${encodeURIComponent(p.path[0])}`, ...(p.user ? { username: p.user } : {}), ...(avatar ? { avatarUrl: avatar } : {}) } };
  },
  ntfy: (p) => ntfy(p, 'http'),
  ntfys: (p) => ntfy(p, 'https'),
  workflows: (p) => teams(p),
  workflow: (p) => teams(p),
  msteams: () => {
    throw bad(`msteams:// is ${RETIRED_CONNECTOR.replace(/^this is /, '')}; then use workflows://host/{workflow_id}/{signature}`);
  },
  gchat: (p) => {
    const [key, token] = [p.query.get('key') ?? p.path[0], p.query.get('token') ?? p.path[1]];
    if (!p.host || !key || !token) throw bad('gchat:// takes gchat://{workspace}/{webhook_key}/{webhook_token}');
    const q = new URLSearchParams({ key, token });
    return { kind: 'googlechat', config: { webhookUrl: `https://chat.googleapis.com/v1/spaces/${encodeURIComponent(p.host)}/messages?${q}` } };
  },
  tgram: (p) => {
    const chats = [...p.path, ...(p.query.get('to')?.split(',') ?? [])].filter(Boolean);
    if (!p.host || chats.length === 0) throw bad('tgram:// takes tgram://{bot_token}/{chat_id}');
    if (chats.length > 1) throw bad('tgram:// names one chat per destination here: create one destination per chat');
    const [chatId, topic] = chats[0].split(':');
    const thread = topic ?? p.query.get('topic') ?? p.query.get('thread');
    return { kind: 'telegram', config: { botToken: p.host, chatId, ...(thread ? { messageThreadId: Number(thread) } : {}), ...(yes(p.query.get('silent')) ? { silent: true } : {}) } };
  },
  pagerduty: (p) => {
    const key = p.user ?? p.host;
    if (!key) throw bad('pagerduty:// takes pagerduty://{integration_key}@{api_key}[/{source}[/{component}]]');
    const region = p.query.get('region');
    const [source, component] = p.path;
    return {
      kind: 'pagerduty',
      config: { routingKey: key, ...(region ? { region } : {}), ...(source ? { source } : {}), ...(component ? { component } : {}), ...pick(p, { group: 'group', class: 'class' }) },
    };
  },
  opsgenie: (p) => {
    if (!p.host) throw bad('opsgenie:// takes opsgenie://{api_key}[?region=eu]');
    if (p.path.length) throw bad('opsgenie:// targets (/@user, /#team, …) are not supported: the integration routes its alerts; leave them out');
    const tags = p.query.get('tags');
    return { kind: 'opsgenie', config: { apiKey: p.host, ...pick(p, { region: 'region', entity: 'entity' }), ...(tags ? { tags: tags.split(/[,\s]+/).filter(Boolean) } : {}) } };
  },
  gotify: (p) => gotify(p, 'http'),
  gotifys: (p) => gotify(p, 'https'),
  pover: (p) => {
    if (!p.user || !p.host) throw bad('pover:// takes pover://{user_key}@{app_token}[/{device}]');
    const priority = p.query.get('priority');
    const retry = p.query.get('interval') ?? p.query.get('retry');
    const expire = p.query.get('expire');
    return {
      kind: 'pushover',
      config: {
        userKey: p.user, appToken: p.host, ...(p.path.length ? { device: p.path.join(',') } : {}), ...pick(p, { sound: 'sound' }),
        ...(priority === 'emergency' || priority === '2' ? { emergency: true } : {}), ...(retry ? { retrySeconds: Number(retry) } : {}), ...(expire ? { expireSeconds: Number(expire) } : {}),
      },
    };
  },
  twilio: (p) => twilio(p),
  vonage: (p) => vonage(p),
  nexmo: (p) => vonage(p),
  pbul: (p) => {
    if (!p.host) throw bad('pbul:// takes pbul://{access_token}[/{device_iden}|/#{channel}|/{email}]');
    if (p.path.length > 1) throw bad('pbul:// names at most one target per destination here: create one destination per device, channel or e-mail address');
    const [to] = p.path;
    const target = !to ? {} : to.startsWith('#') ? { channelTag: to.slice(1) } : to.includes('@') ? { email: to } : { deviceIden: to };
    return { kind: 'pushbullet', config: { accessToken: p.host, ...target } };
  },
  onesignal: (p) => {
    if (!p.user || !p.host) throw bad('onesignal:// takes onesignal://{app_id}@{api_key}/{#segment|@external_id|subscription_id}…');
    if (p.password !== null || p.query.get('template')) throw bad('onesignal:// templates are not supported here: the message is sent as its own text');
    const targets = [...p.path, ...(p.query.get('to')?.split(',') ?? [])].filter(Boolean);
    const kinds = new Set(targets.map((x) => (x.startsWith('#') ? 'segments' : x.startsWith('@') ? 'externalIds' : x.includes('@') ? 'email' : 'subscriptionIds')));
    if (kinds.has('email')) throw bad('onesignal:// e-mail targets are not supported: use an email destination');
    if (kinds.size !== 1) throw bad('onesignal:// takes targets of one kind per destination (#segments, @external_ids or subscription ids: one targeting strategy per request)');
    const [field] = kinds;
    const image = p.query.get('image');
    return { kind: 'onesignal', config: { appId: p.user, apiKey: p.host, [field]: targets.map((x) => x.replace(/^[#@]/, '')), ...(image ? { icon: image } : {}) } };
  },
  json: (p) => json(p, 'http'),
  jsons: (p) => json(p, 'https'),
  mailto: (p) => mail(p),
  mailtos: (p) => mail(p),
};

export const APPRISE_SCHEMES = Object.keys(SCHEMES);

// The kind and config an Apprise URL stands for (secrets among the fields, still to be sealed by the kind's check).
export function fromAppriseUrl(raw: unknown): { kind: string; config: Record<string, unknown> } {
  const p = splitAppriseUrl(raw);
  const parse = SCHEMES[p.scheme];
  if (!parse) throw bad(`has the unsupported scheme "${p.scheme}://"; supported: ${APPRISE_SCHEMES.map((s) => `${s}://`).join(', ')}`);
  return parse(p);
}

// How a view masks a secret in an Apprise URL; an edited URL that still says it keeps the stored secret.
export const MASK = '****';

// A destination as an Apprise URL, secrets masked (MASK, or the env:NAME reference as given). null: a kind
// without an Apprise form.
export function toAppriseUrl(kind: string, c: Record<string, unknown>, secret: Describe): string | null {
  const m = (field: string) => {
    const d = secret(field);
    return d && isEnvRef(d) ? d : MASK;
  };
  const q = (pairs: Record<string, unknown>) => {
    const s = new URLSearchParams(Object.entries(pairs).filter(([, v]) => v !== undefined && v !== null).map(([k, v]): [string, string] => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString();
    return s ? `?${s}` : '';
  };
  switch (kind) {
    case 'slack':
      return secret('webhookUrl') ? `slack://${m('webhookUrl')}` : `slack://${m('botToken')}/${c.channel}`;
    case 'discord':
      return `discord://${c.username ? `${encodeURIComponent(String(c.username))}@` : ''}${m('webhookUrl')}`;
    case 'ntfy': {
      const u = new URL(String(c.serverUrl ?? 'https://ntfy.sh'));
      return `${u.protocol === 'https:' ? 'ntfys' : 'ntfy'}://${secret('token') ? `${m('token')}@` : ''}${u.host}${u.pathname.replace(/\/+$/, '')}/${c.topic}${q({ tags: c.tags, click: c.click })}`;
    }
    case 'teams':
      return `workflows://${m('workflowUrl')}`;
    case 'googlechat':
      return `gchat://${m('webhookUrl')}`;
    case 'telegram':
      return `tgram://${m('botToken')}/${c.chatId}${c.messageThreadId ? `:${c.messageThreadId}` : ''}`;
    case 'pagerduty':
      return `pagerduty://${m('routingKey')}${c.source ? `/${encodeURIComponent(String(c.source))}` : ''}${c.component ? `/${encodeURIComponent(String(c.component))}` : ''}${q({ region: c.region })}`;
    case 'opsgenie':
      return `opsgenie://${m('apiKey')}${q({ region: c.region, tags: c.tags, entity: c.entity })}`;
    case 'gotify': {
      const u = new URL(String(c.serverUrl));
      return `${u.protocol === 'https:' ? 'gotifys' : 'gotify'}://${u.host}${u.pathname.replace(/\/+$/, '')}/${m('appToken')}`;
    }
    case 'pushover':
      return `pover://${m('userKey')}@${m('appToken')}${c.device ? `/${c.device}` : ''}${q({ priority: c.emergency ? 'emergency' : undefined, sound: c.sound })}`;
    case 'twilio':
    case 'twiliovoice':
    case 'twiliowhatsapp': {
      const wa = kind === 'twiliowhatsapp' ? 'w:' : '';
      const from = c.from ?? c.messagingServiceSid;
      return `twilio://${c.accountSid}:${m('authToken')}@${from}/${wa}${c.to}${q({ method: kind === 'twiliovoice' ? 'call' : undefined, apikey: c.apiKeySid })}`;
    }
    case 'vonage':
      return `vonage://${c.apiKey}:${m('apiSecret')}@${String(c.from).replace(/ /g, '%20')}/${c.to}${q({ ttl: c.ttlSeconds ? Number(c.ttlSeconds) * 1000 : undefined })}`;
    case 'pushbullet': {
      const to = c.channelTag ? `/%23${c.channelTag}` : c.email ? `/${c.email}` : c.deviceIden ? `/${c.deviceIden}` : '';
      return `pbul://${m('accessToken')}${to}`;
    }
    case 'onesignal': {
      const [field, mark] = c.segments ? ['segments', '%23'] : c.externalIds ? ['externalIds', '@'] : ['subscriptionIds', ''];
      return `onesignal://${c.appId}@${m('apiKey')}/${(c[field] as string[]).map((x) => mark + encodeURIComponent(x)).join('/')}`;
    }
    case 'webhook': {
      const u = new URL(String(c.url));
      return `${u.protocol === 'https:' ? 'jsons' : 'json'}://${u.host}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
    }
    case 'email':
      return `mailto://${q({ to: c.to })}`;
    default:
      return null;
  }
}

// twilio://{AccountSID}:{AuthToken}@{From}[/{To}|/w:{To}]: a w: (or whatsapp:) target selects WhatsApp, method=call
// a voice call; apikey=SK… authenticates with an API key, the token then being its secret. No target: the From
// number itself, as Apprise does. Numbers may leave out the +.
function twilio(p: AppriseParts): { kind: string; config: Record<string, unknown> } {
  const token = p.password ?? p.query.get('token');
  const sid = p.user ?? p.query.get('sid');
  const from = p.query.get('from') ?? p.host;
  const targets = [...p.path, ...(p.query.get('to')?.split(',') ?? [])].filter(Boolean);
  if (!sid || !token || !from) throw bad('twilio:// takes twilio://{account_sid}:{auth_token}@{from_phone}[/{to_phone}|/w:{to_phone}]');
  if (targets.length > 1) throw bad('twilio:// names one recipient per destination here: create one destination per phone number');
  const target = targets[0] ?? from;
  const wa = /^(w|whatsapp):/i.test(target);
  const method = (p.query.get('method') ?? 'sms').toLowerCase();
  if (method !== 'sms' && method !== 'call') throw bad('twilio:// method= is sms or call');
  if (method === 'call' && wa) throw bad('twilio:// cannot call a WhatsApp number: leave out method=call, or the w: prefix');
  const kind = method === 'call' ? 'twiliovoice' : wa ? 'twiliowhatsapp' : 'twilio';
  const sender = /^MG/.test(from) ? { messagingServiceSid: from } : { from: e164(from) };
  const apiKey = p.query.get('apikey');
  return { kind, config: { accountSid: sid, authToken: token, to: e164(target.replace(/^(w|whatsapp):/i, '')), ...sender, ...(apiKey ? { apiKeySid: apiKey } : {}) } };
}

// vonage://{api_key}:{api_secret}@{from}/{to} (also nexmo://); ttl= in milliseconds, as Apprise takes it.
function vonage(p: AppriseParts): { kind: string; config: Record<string, unknown> } {
  const key = p.query.get('key') ?? p.user;
  const secret = p.query.get('secret') ?? p.password;
  const from = p.query.get('from') ?? p.host;
  const targets = [...p.path, ...(p.query.get('to')?.split(',') ?? [])].filter(Boolean);
  if (!key || !secret || !from || targets.length === 0) throw bad(`${p.scheme}:// takes ${p.scheme}://{api_key}:{api_secret}@{from_phone}/{to_phone}`);
  if (targets.length > 1) throw bad(`${p.scheme}:// names one recipient per destination here: create one destination per phone number`);
  const ttl = p.query.get('ttl');
  return { kind: 'vonage', config: { apiKey: key, apiSecret: secret, from: /^\d+$/.test(from) ? e164(from) : from, to: e164(targets[0]), ...(ttl ? { ttlSeconds: Math.round(Number(ttl) / 1000) } : {}) } };
}

const e164 = (n: string) => (/^\d+$/.test(n) ? `+${n}` : n);

function ntfy(p: AppriseParts, scheme: 'http' | 'https'): { kind: string; config: Record<string, unknown> } {
  if (p.password !== null) throw bad('ntfy:// with user:password is not supported here: use an access token (ntfys://tk_…@host/topic)');
  // ntfy://topic alone is a topic on ntfy.sh.
  const cloud = p.path.length === 0;
  const topic = cloud ? p.host : p.path[p.path.length - 1];
  if (!topic || p.path.length > 1) throw bad(`${p.scheme}:// takes ${p.scheme}://[token@]host[:port]/topic (one topic per destination) or ntfy://topic`);
  const token = p.user ?? p.query.get('token');
  const icon = p.query.get('avatar_url') ?? p.query.get('image');
  const tags = p.query.get('tags');
  return {
    kind: 'ntfy',
    config: {
      ...(cloud ? {} : { serverUrl: `${scheme}://${host(p)}` }), topic, ...(token ? { token } : {}), ...(tags ? { tags: tags.split(',').filter(Boolean) } : {}),
      ...pick(p, { click: 'click' }), ...(icon ? { icon } : {}),
    },
  };
}

function teams(p: AppriseParts): { kind: string; config: Record<string, unknown> } {
  const [id, sig] = p.path;
  if (!p.host || !id || !sig || p.path.length > 2) throw bad('workflows:// takes workflows://host[:port]/{workflow_id}/{signature}');
  const version = p.query.get('api-version') ?? p.query.get('ver') ?? '2016-06-01';
  const q = new URLSearchParams({ 'api-version': version, sp: '/triggers/manual/run', sv: '1.0', sig });
  const base = yes(p.query.get('pa')) ? `https://${host(p)}/powerautomate/automations/direct/workflows/${encodeURIComponent(id)}` : `https://${host(p)}/workflows/${encodeURIComponent(id)}`;
  return { kind: 'teams', config: { workflowUrl: `${base}/triggers/manual/paths/invoke?${q}` } };
}

function gotify(p: AppriseParts, scheme: 'http' | 'https'): { kind: string; config: Record<string, unknown> } {
  const token = p.path[p.path.length - 1];
  if (!p.host || !token) throw bad(`${p.scheme}:// takes ${p.scheme}://host[:port][/path]/{app_token}`);
  const sub = p.path.slice(0, -1).map(encodeURIComponent).join('/');
  return { kind: 'gotify', config: { serverUrl: `${scheme}://${host(p)}${sub ? `/${sub}` : ''}`, appToken: token } };
}

function json(p: AppriseParts, scheme: 'http' | 'https'): { kind: string; config: Record<string, unknown> } {
  if (!p.host) throw bad(`${p.scheme}:// takes ${p.scheme}://[user:password@]host[:port][/path]`);
  const method = (p.query.get('method') ?? 'POST').toUpperCase();
  if (method !== 'POST') throw bad(`json:// sends with POST only, not ${method}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of p.query) if (k.startsWith('+')) headers[k.slice(1)] = v;
  if (p.user) headers.Authorization = `Basic ${Buffer.from(`${p.user}:${p.password ?? ''}`).toString('base64')}`;
  const path = p.path.map(encodeURIComponent).join('/');
  return { kind: 'webhook', config: { url: `${scheme}://${host(p)}/${path}`, ...(Object.keys(headers).length ? { headers } : {}) } };
}

function mail(p: AppriseParts): { kind: string; config: Record<string, unknown> } {
  if (p.password !== null || p.query.get('smtp') || p.query.get('mode')) {
    throw bad('mailto:// with SMTP credentials, smtp= or mode= is not supported: e-mail goes through the service’s own mail transport (SMTP_URL); give only the addresses');
  }
  const to = [...p.path, ...(p.query.get('to')?.split(',') ?? [])].map((s) => s.trim()).filter(Boolean);
  if (!to.length && p.user && p.host) to.push(`${p.user}@${p.host}`);
  if (!to.length) throw bad('mailto:// takes mailto://user@domain or mailto://?to=a@x.example,b@y.example');
  return { kind: 'email', config: { to } };
}

const host = (p: AppriseParts) => `${p.host}${p.port ? `:${p.port}` : ''}`;
const yes = (v: string | null) => v !== null && /^(1|yes|true|on)$/i.test(v);
const pick = (p: AppriseParts, names: Record<string, string>) => Object.fromEntries(Object.entries(names).flatMap(([param, field]) => (p.query.get(param) ? [[field, p.query.get(param)]] : [])));

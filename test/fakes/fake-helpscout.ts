import { randomBytes } from 'node:crypto';
import { HelpdeskHandler, HelpdeskReply, isEmail, isJsonRequest } from './fake-helpdesk-server';

export interface HelpScoutConversation {
  id: number;
  mailboxId: number;
  subject: string;
  status: string;
  tags: string[];
  customer: { email: string; firstName?: string };
  threads: { type: string; text: string }[];
}

// Help Scout Mailbox API 2.0 (integrations.md §5): POST /v2/oauth2/token (client credentials, form or JSON; 401 for
// unknown ones) → bearer token for 48 h; every other call needs it (401 otherwise; revoke() expires them all).
// POST /v2/conversations: subject, customer (email), mailboxId, type, status, threads ≥ 1 required; 201 with no body,
// the id in Resource-ID and Location. POST /v2/conversations/{id}/notes {text}, /reply {text, customer}; PATCH
// /v2/conversations/{id} {op: replace, path: /status, value} → 204; GET /v2/conversations?mailbox=&tag=&status=all;
// GET /v2/mailboxes/{id}. Errors: {logRef, message, _embedded: {errors: [{path, message}]}}.
export function helpScoutFake(clientId: string, clientSecret: string, mailboxId: number): HelpdeskHandler & { conversations: Map<number, HelpScoutConversation>; tokensIssued: () => number; revoke: () => void } {
  const conversations = new Map<number, HelpScoutConversation>();
  const tokens = new Set<string>();
  let issued = 0;
  let next = 2391938111;
  const bad = (...errors: { path: string; message: string }[]): HelpdeskReply => ({ status: 400, body: { logRef: 'a1b2c3', message: 'Bad request', _embedded: { errors: errors.map((e) => ({ ...e, source: 'JSON' })) } } });
  const handler = ((r) => {
    if (r.method === 'POST' && r.path === '/v2/oauth2/token') {
      const p = r.form ? Object.fromEntries(r.form) : (r.json ?? {});
      if (p.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (p.client_id !== clientId || p.client_secret !== clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } };
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      issued++;
      return { status: 200, body: { token_type: 'bearer', access_token: token, expires_in: 172800 } };
    }
    const m = /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''));
    if (!m || !tokens.has(m[1])) return { status: 401, body: { logRef: 'x', message: 'Unauthorized' } };
    if (r.method === 'GET' && r.path === `/v2/mailboxes/${mailboxId}`) return { status: 200, body: { id: mailboxId, name: 'Support' } };
    if (r.method === 'GET' && r.path === '/v2/conversations') {
      const tag = r.url.searchParams.get('tag');
      const all = r.url.searchParams.get('status') === 'all';
      const found = [...conversations.values()].filter((c) => String(c.mailboxId) === r.url.searchParams.get('mailbox') && (!tag || c.tags.includes(tag)) && (all || c.status === 'active'));
      return { status: 200, body: { _embedded: { conversations: found.map((c) => ({ id: c.id, subject: c.subject, status: c.status, tags: c.tags.map((t) => ({ tag: t })) })) }, page: { size: 25, totalElements: found.length, totalPages: 1, number: 1 } } };
    }
    if (!isJsonRequest(r) || !r.json) return bad({ path: '', message: 'Malformed JSON' });
    const j = r.json;
    if (r.method === 'POST' && r.path === '/v2/conversations') {
      const errors: { path: string; message: string }[] = [];
      if (typeof j.subject !== 'string' || !j.subject) errors.push({ path: 'subject', message: 'may not be empty' });
      if (!j.customer || (!j.customer.id && !isEmail(j.customer.email))) errors.push({ path: 'customer', message: 'must have an id or a valid email' });
      if (j.mailboxId !== mailboxId) errors.push({ path: 'mailboxId', message: 'Invalid mailbox' });
      if (!['email', 'chat', 'phone'].includes(j.type)) errors.push({ path: 'type', message: 'must be one of email, chat, phone' });
      if (!['active', 'pending', 'closed'].includes(j.status)) errors.push({ path: 'status', message: 'must be one of active, pending, closed' });
      if (!Array.isArray(j.threads) || !j.threads.length) errors.push({ path: 'threads', message: 'may not be empty' });
      (Array.isArray(j.threads) ? j.threads : []).forEach((t: any, i: number) => {
        if (!['customer', 'reply', 'note', 'chat', 'phone'].includes(t?.type)) errors.push({ path: `threads[${i}].type`, message: 'invalid thread type' });
        if (typeof t?.text !== 'string' || !t.text) errors.push({ path: `threads[${i}].text`, message: 'may not be empty' });
        if (t?.type === 'customer' && !t.customer) errors.push({ path: `threads[${i}].customer`, message: 'may not be null' });
      });
      if (j.tags !== undefined && (!Array.isArray(j.tags) || j.tags.some((x: unknown) => typeof x !== 'string'))) errors.push({ path: 'tags', message: 'must be a list of strings' });
      if (errors.length) return bad(...errors);
      const c: HelpScoutConversation = { id: next++, mailboxId, subject: j.subject, status: j.status, tags: j.tags ?? [], customer: j.customer, threads: j.threads.map((t: any) => ({ type: t.type, text: t.text })) };
      conversations.set(c.id, c);
      return { status: 201, headers: { 'resource-id': String(c.id), location: `https://api.helpscout.net/v2/conversations/${c.id}` } };
    }
    const cm = /^\/v2\/conversations\/(\d+)(\/notes|\/reply)?$/.exec(r.path);
    const c = cm ? conversations.get(Number(cm[1])) : undefined;
    if (cm && !c) return { status: 404, body: { logRef: 'x', message: 'Conversation not found' } };
    if (c && r.method === 'POST' && cm![2]) {
      if (typeof j.text !== 'string' || !j.text) return bad({ path: 'text', message: 'may not be empty' });
      if (cm![2] === '/reply' && (!j.customer || (!j.customer.id && !isEmail(j.customer.email)))) return bad({ path: 'customer', message: 'may not be null' });
      c.threads.push({ type: cm![2] === '/notes' ? 'note' : 'reply', text: j.text });
      return { status: 201, headers: { 'resource-id': String(c.threads.length) } };
    }
    if (c && r.method === 'PATCH' && !cm![2]) {
      if (j.op !== 'replace' || j.path !== '/status' || !['active', 'pending', 'closed'].includes(j.value)) return bad({ path: 'value', message: 'invalid patch' });
      c.status = j.value;
      return { status: 204 };
    }
    return { status: 404, body: { logRef: 'x', message: 'Not found' } };
  }) as HelpdeskHandler & { conversations: Map<number, HelpScoutConversation>; tokensIssued: () => number; revoke: () => void };
  handler.conversations = conversations;
  handler.tokensIssued = () => issued;
  handler.revoke = () => tokens.clear();
  return handler;
}

import type { FakeHandler } from './fake-channel-server';
import { isJson } from './fake-channel-server';

// Slack, as channels.md §2 documents it. Incoming webhook: POST /services/T…/B…/<secret>, JSON; 200 "ok"; errors as
// plain-text codes (400 invalid_payload / no_text, 404 no_service). chat.postMessage: POST /api/chat.postMessage,
// Bearer token; every error inside a 200 {"ok":false,"error"} (not_authed, invalid_auth, channel_not_found, no_text,
// msg_too_long).
export function slackWebhookFake(secretPath: string): FakeHandler {
  return (r) => {
    if (r.method !== 'POST') return { status: 405, body: 'invalid_method' };
    if (r.url.pathname !== secretPath) return { status: 404, body: 'no_service' };
    if (!isJson(r) || !r.json) return { status: 400, body: 'invalid_payload' };
    if (typeof r.json.text !== 'string' || !r.json.text) return { status: 400, body: 'no_text' };
    if (r.json.text.length > 40_000) return { status: 400, body: 'invalid_payload' };
    return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  };
}

export function slackApiFake(token: string, channels: string[]): FakeHandler {
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/api/chat.postMessage') return { status: 404, body: { ok: false, error: 'unknown_method' } };
    const auth = String(r.headers.authorization ?? '');
    if (!auth) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (auth !== `Bearer ${token}`) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    if (!isJson(r) || !r.json) return { status: 200, body: { ok: false, error: 'invalid_post_type' } };
    if (!channels.includes(r.json.channel)) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    if (typeof r.json.text !== 'string' || !r.json.text) return { status: 200, body: { ok: false, error: 'no_text' } };
    if (r.json.text.length > 40_000) return { status: 200, body: { ok: false, error: 'msg_too_long' } };
    // icon_url (optional, with chat:write.customize): an image URL
    if (r.json.icon_url !== undefined && !/^https?:\/\/\S+$/.test(String(r.json.icon_url))) return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
    return { status: 200, body: { ok: true, channel: r.json.channel, ts: '1503435956.000247', message: { text: r.json.text } } };
  };
}

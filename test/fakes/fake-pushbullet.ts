import type { FakeHandler, FakeReply } from './fake-channel-server';

// Pushbullet (channels.md §8): POST /v2/pushes, JSON, Access-Token header (or Basic token:""); 200 with the push;
// errors {error: {type, message, cat}}: 401 invalid_access_token, 400 invalid_request (a missing type, an unknown
// device_iden, a link push without url); X-Ratelimit-* on every answer. A repeated guid answers the first push
// again instead of a second one. The 4,096-character body limit is the fake's UNCONFIRMED assumption.
export function pushbulletFake(token: string, devices: string[]): FakeHandler {
  const rate = { 'x-ratelimit-limit': '16384', 'x-ratelimit-remaining': '16000', 'x-ratelimit-reset': '1893456000' };
  const err = (status: number, type: string, message: string): FakeReply => ({ status, headers: rate, body: { error: { cat: '~(=^‥^)', message, type } } });
  const byGuid = new Map<string, object>();
  let n = 0;
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/v2/pushes') return err(404, 'invalid_request', 'The resource could not be found.');
    const basic = String(r.headers.authorization ?? '').replace(/^Basic /, '');
    const given = r.headers['access-token'] ?? (basic ? Buffer.from(basic, 'base64').toString('utf8').replace(/:$/, '') : undefined);
    if (given !== token) return err(401, 'invalid_access_token', 'Access token is missing or invalid.');
    const p = r.json;
    if (!p || typeof p !== 'object') return err(400, 'invalid_request', 'Failed to decode JSON body.');
    if (!['note', 'link', 'file'].includes(p.type)) return err(400, 'invalid_request', "Missing required parameter 'type'.");
    if (p.type === 'link' && typeof p.url !== 'string') return err(400, 'invalid_request', "Missing required parameter 'url'.");
    if (p.device_iden !== undefined && !devices.includes(p.device_iden)) return err(400, 'invalid_request', 'The param \'device_iden\' has an invalid value.');
    if ([p.device_iden, p.email, p.channel_tag, p.client_iden].filter((x) => x !== undefined).length > 1) return err(400, 'invalid_request', 'Only one target may be given.');
    if (typeof p.body === 'string' && Array.from(p.body).length > 4096) return err(400, 'invalid_request', 'The param \'body\' is too long.');
    if (p.guid && byGuid.has(p.guid)) return { status: 200, headers: rate, body: byGuid.get(p.guid) };
    const push = { active: true, iden: `ujpah72o0sjAoRtnM0jc${n++}`, created: 1764748800.1, modified: 1764748800.1, type: p.type, dismissed: false, guid: p.guid, direction: 'self', title: p.title, body: p.body, url: p.url, target_device_iden: p.device_iden };
    if (p.guid) byGuid.set(p.guid, push);
    return { status: 200, headers: rate, body: push };
  };
}

import type { FakeHandler, FakeReply } from './fake-channel-server';

// Pusher Beams (channels.md §10): POST /publish_api/v1/instances/{instance}/publishes/interests, Bearer secret key,
// JSON {interests (1–100, each ≤ 164 of [-_=@,.;A-Za-z0-9]), web|fcm|apns}; 200 {publishId}; errors
// {error, description}: 401 a wrong key, 404 an unknown instance, 400 the payload. Each platform's payload over
// 4,096 bytes is refused (APNs' and FCM's own limit; Beams' is UNCONFIRMED).
export function pusherBeamsFake(instanceId: string, secretKey: string): FakeHandler {
  const err = (status: number, error: string, description: string): FakeReply => ({ status, body: { error, description } });
  let n = 0;
  return (r) => {
    const m = /^\/publish_api\/v1\/instances\/([^/]+)\/publishes\/interests$/.exec(r.url.pathname);
    if (!m) return err(404, 'Not Found', 'Not Found');
    if (r.method !== 'POST') return err(405, 'Method Not Allowed', 'Method Not Allowed');
    if (m[1] !== instanceId) return err(404, 'Instance not found', `Could not find instance: ${m[1]}`);
    if (String(r.headers.authorization ?? '') !== `Bearer ${secretKey}`) return err(401, 'Unauthorized', 'Incorrect API Key');
    const p = r.json;
    if (!p) return err(400, 'Bad request', 'Request body must be JSON');
    const interests = p.interests;
    if (!Array.isArray(interests) || interests.length < 1) return err(400, 'Bad request', 'Publish requests must target at least one interest to be delivered');
    if (interests.length > 100) return err(400, 'Bad request', 'Number of interests (101) exceeds maximum of 100');
    const badInterest = interests.find((i: unknown) => typeof i !== 'string' || i.length > 164 || !/^[-_=@,.;A-Za-z0-9]+$/.test(i));
    if (badInterest !== undefined) return err(400, 'Bad request', `Interest "${badInterest}" contains a forbidden character or is too long`);
    if (!p.web && !p.fcm && !p.apns) return err(400, 'Bad request', 'Publish requests must contain at least one of web, fcm or apns');
    for (const k of ['web', 'fcm', 'apns']) if (p[k] && Buffer.byteLength(JSON.stringify(p[k])) > 4096) return err(400, 'Bad request', `${k} payload too large`);
    if (p.web?.data && 'pusher' in p.web.data) return err(400, 'Bad request', 'data cannot contain the key "pusher"');
    return { status: 200, body: { publishId: `pubid-33f3f68e-b0c5-438f-b50f-fae93f6c${String(n++).padStart(4, '0')}` } };
  };
}

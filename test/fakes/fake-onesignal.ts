import type { FakeHandler, FakeReply } from './fake-channel-server';

// OneSignal (channels.md §9): POST /notifications, JSON, Authorization: Key <App API key> (any case of "Key"; the
// legacy Basic scheme refused here, as the current API's behaviour for it is UNCONFIRMED). 200 {id, external_id};
// id "" with errors when nobody is subscribed (a 200 that is a failure); 400 {errors: […]}; 403 a wrong key.
// One targeting strategy per request. A repeated idempotency_key answers the first notification's id. The
// 2,048-byte contents limit is the fake's UNCONFIRMED assumption.
export function oneSignalFake(appId: string, apiKey: string, o: { subscribed?: string[] } = {}): FakeHandler {
  const err = (status: number, ...errors: string[]): FakeReply => ({ status, body: { errors } });
  const byKey = new Map<string, string>();
  let n = 0;
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/notifications') return err(404, 'Not Found');
    const auth = /^key (.+)$/i.exec(String(r.headers.authorization ?? ''));
    if (!auth || auth[1] !== apiKey) return err(403, "Access denied.  Please include an 'Authorization: Key …' header with a valid API key (https://documentation.onesignal.com/docs/keys-and-ids).");
    const p = r.json;
    if (!p) return err(400, 'Body must be JSON');
    if (p.app_id !== appId) return err(400, `app_id not found. You may be missing a Content-Type: application/json header.`);
    const strategies = ['included_segments', 'include_aliases', 'include_subscription_ids', 'include_player_ids', 'include_external_user_ids'].filter((k) => p[k] !== undefined);
    if (strategies.length !== 1) return err(400, 'You must include which players, segments, or tags you wish to send this notification to.');
    if (!p.contents || typeof p.contents.en !== 'string' || !p.contents.en) return err(400, 'Message Notifications must have English language content');
    if (Buffer.byteLength(p.contents.en) > 2048) return err(400, 'contents is too long');
    if (p.idempotency_key !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(p.idempotency_key)) return err(400, 'idempotency_key must be a UUID');
    if (p.idempotency_key && byKey.has(p.idempotency_key)) return { status: 200, body: { id: byKey.get(p.idempotency_key), external_id: null } };
    const ids: string[] = p.include_aliases?.external_id ?? p.include_subscription_ids ?? [];
    if (strategies[0] !== 'included_segments' && o.subscribed) {
      const known = ids.filter((x) => o.subscribed!.includes(x));
      if (!known.length) return { status: 200, refused: true, body: { id: '', external_id: null, errors: ['All included players are not subscribed'] } };
      if (known.length < ids.length) return done(p, byKey, n++, { invalid_aliases: { external_id: ids.filter((x) => !known.includes(x)) } });
    }
    return done(p, byKey, n++);
  };
}

function done(p: any, byKey: Map<string, string>, n: number, errors?: object): FakeReply {
  const id = `b98881cc-1e94-4366-bbd9-db8f3429${String(1000 + n).padStart(4, '0')}`;
  if (p.idempotency_key) byKey.set(p.idempotency_key, id);
  return { status: 200, body: { id, external_id: null, ...(errors ? { errors } : {}) } };
}

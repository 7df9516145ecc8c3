import type { FakeHandler } from './fake-channel-server';

// An ntfy server (channels.md §11) with one protected topic: JSON publish is POST or PUT to the root; 200 with the
// stored message; {code, http, error, link} errors: 40101 no/wrong token, 40013-style 400 for a bad body, 41303 JSON
// body too large, and a message over 4,096 bytes would become an attachment (refused here: the adapter must fit it).
export function ntfyFake(token: string): FakeHandler {
  const err = (code: number, http: number, error: string) => ({ status: http, body: { code, http, error, link: 'https://ntfy.sh/docs/publish/' } });
  return (r) => {
    if ((r.method !== 'POST' && r.method !== 'PUT') || r.url.pathname !== '/') return err(40401, 404, 'page not found');
    if (r.headers.authorization !== `Bearer ${token}`) return err(40101, 401, 'unauthorized');
    if (r.body.length > 32768) return err(41303, 413, 'JSON body too large');
    const j = r.json;
    if (!j || typeof j.topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(j.topic)) return err(40024, 400, 'invalid request: topic invalid');
    if (j.priority !== undefined && !(Number.isInteger(j.priority) && j.priority >= 1 && j.priority <= 5)) return err(40007, 400, 'invalid priority');
    if (typeof j.message === 'string' && Buffer.byteLength(j.message) > 4096) return err(41301, 413, 'message too large (would become an attachment)');
    return { status: 200, body: { id: 'hwQ2YpKdmg', time: 1700000000, expires: 1700043200, event: 'message', topic: j.topic, message: j.message ?? 'triggered', title: j.title, tags: j.tags, priority: j.priority, click: j.click, icon: j.icon } };
  };
}

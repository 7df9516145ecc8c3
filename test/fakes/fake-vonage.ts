import type { FakeHandler, FakeReply } from './fake-channel-server';

// Vonage legacy SMS API (channels.md §14a): POST /sms/json, form (or JSON) with api_key and api_secret fields. Every
// well-formed request answers HTTP 200; the outcome is messages[].status ("0" sent; 2 missing parameters, 3 invalid
// parameters, 4 invalid credentials, 6 invalid message, 12 too long, 15 invalid sender, 29 non-whitelisted
// destination). A text over 160 GSM-7 (70 unicode) characters is sent as several parts, one entry each. The text
// limit (1,600) is the fake's UNCONFIRMED assumption; so is refusing non-GSM text sent without type=unicode (the real
// API garbles it instead).
export function vonageFake(apiKey: string, apiSecret: string, o: { barred?: string[] } = {}): FakeHandler {
  const fail = (status: string, text: string): FakeReply => ({ status: 200, refused: true, body: { 'message-count': '1', messages: [{ status, 'error-text': text }] } });
  return (r) => {
    if (r.url.pathname !== '/sms/json') return { status: 404, body: { type: 'https://developer.nexmo.com/api-errors#not-found', title: 'Not Found' } };
    if (r.method !== 'POST' && r.method !== 'GET') return { status: 405, body: '' };
    const f = r.form ?? (r.json ? new URLSearchParams(Object.entries(r.json).map(([k, v]): [string, string] => [k, String(v)])) : new URLSearchParams());
    for (const p of ['api_key', 'api_secret', 'from', 'to', 'text']) if (!f.get(p)) return fail('2', `Missing ${p}`);
    if (f.get('api_key') !== apiKey || f.get('api_secret') !== apiSecret) return fail('4', 'Bad Credentials');
    const to = f.get('to')!;
    if (!/^[1-9]\d{6,14}$/.test(to)) return fail('3', 'Invalid to address');
    if (o.barred?.includes(to)) return fail('29', 'Non White-listed Destination - rejected');
    const from = f.get('from')!;
    if (!/^(\d{7,15}|[A-Za-z0-9 ]{1,11})$/.test(from)) return fail('15', 'Illegal Sender Address - rejected');
    const text = f.get('text')!;
    const unicode = f.get('type') === 'unicode';
    if (!unicode && /[^\x20-\x7e\n\r£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà€]/.test(text)) return fail('6', 'Invalid Message: non-GSM characters without type=unicode');
    if (text.length > 1600) return fail('12', 'Message Too Long');
    const per = unicode ? (text.length > 70 ? 67 : 70) : text.length > 160 ? 153 : 160;
    const parts = Math.max(1, Math.ceil(text.length / per));
    const messages = Array.from({ length: parts }, (_, i) => ({ to, 'message-id': `0A00000${i}C0FFEE`, status: '0', 'remaining-balance': '3.14159265', 'message-price': '0.03330000', network: '23410', 'client-ref': f.get('client-ref') ?? undefined }));
    return { status: 200, body: { 'message-count': String(parts), messages } };
  };
}

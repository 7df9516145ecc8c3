import { Webhook } from 'standardwebhooks';
import { generateSigningSecret } from './destination-config';
import { webhookSignature } from './webhook-signature';

describe('webhookSignature', () => {
  const body = JSON.stringify({ type: 'notification.test', timestamp: '2026-12-02T10:00:00.000Z', data: { ok: true } });
  const now = Math.floor(Date.now() / 1000);

  it('is what the standardwebhooks verifier accepts, with either secret of an overlap', () => {
    const [a, b] = [generateSigningSecret(), generateSigningSecret()];
    const signature = webhookSignature([b, a], 'msg_1', now, body);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': signature };
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(b).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow(/signature/i);
    expect(() => new Webhook(a).verify(body + ' ', headers)).toThrow(/signature/i);
  });
});

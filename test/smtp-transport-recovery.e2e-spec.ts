import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { MailError } from '../src/mail/mail-errors';
import { SmtpTransport } from '../src/mail/smtp-transport';
import { SmtpSink } from './support/smtp-sink';

const msg = (n: number) => ({
  from: { name: 'Test', address: 'sender@example.test' },
  to: [`rcpt${n}@example.test`],
  subject: `m${n}`,
  html: '<p>hi</p>',
  text: 'hi',
  messageId: `<m${n}@example.test>`,
});

type Settled = { settled: false } | { settled: true; value?: unknown; error?: MailError };
// Settles within ms, or says it did not (a send that never returns is the failure this file is about).
const within = (p: Promise<unknown>, ms: number): Promise<Settled> =>
  Promise.race([
    p.then((value) => ({ settled: true as const, value }), (error: MailError) => ({ settled: true as const, error })),
    new Promise<Settled>((r) => setTimeout(() => r({ settled: false }), ms)),
  ]);

// The transport alone, against a real SMTP server process stopped and started on its port: the pool of five must
// never be used up by failed connects (nodemailer kept the slot of a connect error handed to it by getSocket).
describe('SMTP transport: failed connections never use up the pool', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(() => sink.stop());

  it('seven refused connections, then the server is back: the same transport sends at once', async () => {
    const transport = new SmtpTransport(sink.url, { maxConnections: 5 });
    try {
      await sink.stop();
      for (let i = 0; i < 7; i++) {
        const r = await within(transport.send(msg(i)), 3000);
        expect({ i, settled: r.settled }).toEqual({ i, settled: true });
        const err = (r as { error: MailError }).error;
        expect(err).toBeInstanceOf(MailError);
        expect([err.kind, err.reason]).toEqual(['transient', 'connection_refused']);
        expect(err.message).toMatch(/^connection refused: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
      }
      await sink.listen();
      const r = await within(transport.send(msg(100)), 3000);
      expect(r).toMatchObject({ settled: true, value: { accepted: ['rcpt100@example.test'] } });
      expect(sink.to('rcpt100@example.test')).toHaveLength(1);
    } finally {
      await transport.close();
    }
  });

  it('twenty sends at once while refused all fail fast; then all of the next twenty are sent', async () => {
    const transport = new SmtpTransport(sink.url, { maxConnections: 5 });
    try {
      await sink.stop();
      const failed = await Promise.all(Array.from({ length: 20 }, (_, i) => within(transport.send(msg(200 + i)), 3000)));
      expect(failed.map((r) => r.settled && (r.error as MailError | undefined)?.reason)).toEqual(failed.map(() => 'connection_refused'));
      await sink.listen();
      const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => within(transport.send(msg(300 + i)), 3000)));
      expect(sent.every((r) => r.settled && !r.error)).toBe(true);
      expect(sink.received.filter((m) => /^rcpt3\d\d@/.test(m.envelope.to[0]))).toHaveLength(20);
    } finally {
      await transport.close();
    }
  });

  it('a server that takes the connection and never greets: each send fails as a timeout, the pool stays usable', async () => {
    // A TCP listener that says nothing (a hung SMTP server), then the real one on the same port.
    const sockets = new Set<Socket>();
    const mute: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
    const port = (mute.address() as AddressInfo).port;
    const transport = new SmtpTransport(`smtp://127.0.0.1:${port}`, { maxConnections: 2, connectTimeoutMs: 300, greetingTimeoutMs: 200 });
    const real = new SmtpSink();
    try {
      for (let i = 0; i < 4; i++) {
        const r = await within(transport.send(msg(400 + i)), 3000);
        expect(r.settled).toBe(true);
        expect((r as { error: MailError }).error.reason).toBe('timeout');
      }
      await new Promise<void>((r) => {
        mute.close(() => r());
        for (const s of sockets) s.destroy();
      });
      real.port = port;
      await real.listen();
      const r = await within(transport.send(msg(500)), 3000);
      expect(r).toMatchObject({ settled: true, value: { accepted: ['rcpt500@example.test'] } });
      expect(real.to('rcpt500@example.test')).toHaveLength(1);
    } finally {
      await transport.close();
      await real.stop();
    }
  });
});

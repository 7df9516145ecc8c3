import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../config/app-config';
import { HttpClient, OutboundHttpError } from './http-client';

// The guard on a real request: an IPv6 literal that carries a private IPv4 address is refused before any connection.
describe('HttpClient: IPv6 forms of private IPv4 addresses', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  const http = new HttpClient(loadConfig({ OUTBOUND_ALLOW_PRIVATE: 'false', DATA_DIR: '/tmp/hd-http-client-spec' }));
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await http.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(['[::127.0.0.1]', '[::7f00:1]', '[::a9fe:a9fe]', '[::ffff:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[2002:7f00:1::1]', '[2001:0:4136:e378:8000:63bf:80ff:fffe]', '127.0.0.1'])(
    'refuses http://%s',
    async (host) => {
      const err = await http.request({ method: 'GET', url: `http://${host}:${port}/` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OutboundHttpError);
      expect(err).toMatchObject({ code: 'blocked_destination', message: expect.stringMatching(/loopback|linkLocal/) });
      expect(hits).toBe(0);
    },
  );
});

import type { LookupAddress } from 'node:dns';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../config/app-config';
import { DnsResolver } from './dns-resolver';
import { HttpClient, OutboundHttpError } from './http-client';

// Names resolved without the host's resolver, so that a test can make one point anywhere.
class FixedDns extends DnsResolver {
  constructor(private readonly names: Record<string, string[]>) {
    super();
  }
  override async resolve(hostname: string): Promise<LookupAddress[]> {
    const addresses = this.names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

const DNS = new FixedDns({
  'internal.vendor.test': ['10.0.0.1'],
  'split.vendor.test': ['93.184.216.34', '10.0.0.1'],
  'api.vendor.test': ['127.0.0.1'],
});

const client = (allowHosts?: string) =>
  new HttpClient(loadConfig({ OUTBOUND_ALLOW_HOSTS: allowHosts, DATA_DIR: '/tmp/hd-http-client-spec' }), DNS);

const failure = (http: HttpClient, url: string) => http.request({ method: 'GET', url, timeoutMs: 2000 }).then(
  (res) => ({ answered: res.status }),
  (err: unknown) => err,
);

describe('HttpClient: the SSRF guard and redirects, on real requests', () => {
  let server: Server;
  let other: Server;
  let port: number;
  let otherPort: number;
  let hits: string[] = [];
  let otherHits = 0;
  const clients: HttpClient[] = [];
  const make = (allowHosts?: string) => {
    const http = client(allowHosts);
    clients.push(http);
    return http;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://10.0.0.1/latest/meta-data/' }).end();
      else if (req.url === '/to-other') res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/landing` }).end('moved');
      else res.end('ok');
    });
    other = createServer((_req, res) => {
      otherHits++;
      res.end('followed');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    otherPort = (other.address() as AddressInfo).port;
  });
  beforeEach(() => {
    hits = [];
    otherHits = 0;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.onModuleDestroy()));
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => other.close(resolve));
  });

  describe('without OUTBOUND_ALLOW_HOSTS', () => {
    const http = () => make();

    it('refuses http://127.0.0.1, saying why, without connecting', async () => {
      const err = await failure(http(), `http://127.0.0.1:${port}/`);
      expect(err).toBeInstanceOf(OutboundHttpError);
      expect(err).toMatchObject({ code: 'blocked_destination', message: 'blocked_destination: resolves to 127.0.0.1 (loopback)' });
      expect(hits).toEqual([]);
    });

    it('refuses the cloud metadata address 169.254.169.254', async () => {
      const err = await failure(http(), 'http://169.254.169.254/latest/meta-data/');
      expect(err).toMatchObject({ code: 'blocked_destination', message: 'blocked_destination: resolves to 169.254.169.254 (linkLocal)' });
    });

    it.each([
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1 (IPv4-mapped 127.0.0.1, loopback)'],
      ['[::ffff:7f00:1]', '::ffff:7f00:1 (IPv4-mapped 127.0.0.1, loopback)'],
      ['0x7f000001', '127.0.0.1 (loopback)'], // the URL parser reads both as 127.0.0.1
      ['2130706433', '127.0.0.1 (loopback)'],
      ['[::127.0.0.1]', '::7f00:1 (IPv4-compatible 127.0.0.1, loopback)'],
      ['[::a9fe:a9fe]', '::a9fe:a9fe (IPv4-compatible 169.254.169.254, linkLocal)'],
      ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1 (NAT64 127.0.0.1, loopback)'],
      ['[2002:7f00:1::1]', '2002:7f00:1::1 (6to4 127.0.0.1, loopback)'],
      ['[2001:0:4136:e378:8000:63bf:80ff:fffe]', '2001:0:4136:e378:8000:63bf:80ff:fffe (Teredo client 127.0.0.1, loopback)'],
      ['[::1]', '::1 (loopback)'],
    ])('refuses http://%s', async (host, said) => {
      const err = await failure(http(), `http://${host}:${port}/`);
      expect(err).toMatchObject({ code: 'blocked_destination', message: `blocked_destination: resolves to ${said}` });
      expect(hits).toEqual([]);
    });

    it('refuses a name that resolves to 10.0.0.1', async () => {
      const err = await failure(http(), `http://internal.vendor.test:${port}/`);
      expect(err).toMatchObject({ code: 'blocked_destination', message: 'blocked_destination: resolves to 10.0.0.1 (private)' });
    });

    it('refuses a name when any of its addresses is private', async () => {
      const err = await failure(http(), `http://split.vendor.test:${port}/`);
      expect(err).toMatchObject({ code: 'blocked_destination', message: 'blocked_destination: resolves to 10.0.0.1 (private)' });
    });
  });

  describe('with OUTBOUND_ALLOW_HOSTS=127.0.0.1', () => {
    const http = () => make('127.0.0.1');

    it('reaches 127.0.0.1', async () => {
      await expect(http().request({ method: 'GET', url: `http://127.0.0.1:${port}/` })).resolves.toMatchObject({ status: 200, body: 'ok' });
      expect(hits).toEqual(['/']);
    });

    // The allow-list matches the address as connected to: the IPv6 forms of 127.0.0.1 stay refused.
    it.each(['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '169.254.169.254'])('still refuses http://%s', async (host) => {
      const err = await failure(http(), `http://${host}:${port}/`);
      expect(err).toMatchObject({ code: 'blocked_destination' });
      expect(hits).toEqual([]);
    });
  });

  describe('redirects', () => {
    it('does not follow a 302 from an allowed host to a private address, and states the Location', async () => {
      const err = await failure(make('api.vendor.test'), `http://api.vendor.test:${port}/to-metadata`);
      expect(err).toMatchObject({
        code: 'redirect_not_followed',
        status: 302,
        message: `redirect_not_followed: HTTP 302 from http://api.vendor.test:${port} to http://10.0.0.1/latest/meta-data/; redirects are not followed, use the final URL`,
      });
      expect(hits).toEqual(['/to-metadata']);
    });

    it('does not follow a redirect even to a destination it may reach', async () => {
      const err = await failure(make('api.vendor.test,127.0.0.1'), `http://api.vendor.test:${port}/to-other`);
      expect(err).toMatchObject({ code: 'redirect_not_followed', status: 307, message: expect.stringContaining(`to http://127.0.0.1:${otherPort}/landing;`) });
      expect(otherHits).toBe(0);
    });

    it('reaches a host allowed by name, whatever it resolves to', async () => {
      await expect(make('api.vendor.test').request({ method: 'GET', url: `http://api.vendor.test:${port}/` })).resolves.toMatchObject({ status: 200 });
      expect(hits).toEqual(['/']);
    });
  });
});

import { parseOutboundAllowList } from '../config/outbound-allow-list';
import { blockedReason, refusal } from './ssrf-guard';

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
  ])('blocks %s (%s)', (ip, range) => expect(blockedReason(ip)).toBe(range));
  it.each(['93.184.216.34', '2606:4700:4700::1111', '1.1.1.1'])('allows public %s', (ip) => expect(blockedReason(ip)).toBeNull());

  // IPv6 forms that carry an IPv4 address are judged by that address
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', '127.0.0.1', 'IPv4-mapped'],
    ['::127.0.0.1', '127.0.0.1', 'IPv4-compatible'],
    ['::7f00:1', '127.0.0.1', 'IPv4-compatible'],
    ['::a9fe:a9fe', '169.254.169.254', 'IPv4-compatible'],
    ['::10.0.0.1', '10.0.0.1', 'IPv4-compatible'],
    ['::ffff:a9fe:a9fe', '169.254.169.254', 'IPv4-mapped'],
    ['::ffff:0:7f00:1', '127.0.0.1', 'IPv4-translated'],
    ['64:ff9b::7f00:1', '127.0.0.1', 'NAT64'],
    ['64:ff9b::169.254.169.254', '169.254.169.254', 'NAT64'],
    ['2002:7f00:1::', '127.0.0.1', '6to4'],
    ['2002:a9fe:a9fe:1234::1', '169.254.169.254', '6to4'],
    ['2002:c0a8:101::1', '192.168.1.1', '6to4'],
    // client 127.0.0.1 inverted is 80ff:fffe
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', '127.0.0.1', 'Teredo client'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', '169.254.169.254', 'Teredo client'],
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', '10.0.0.1', 'Teredo server'],
  ])('blocks %s by the IPv4 address it carries (%s, %s)', (ip, v4, form) => {
    expect(blockedReason(ip)).toBe(`${form} ${v4}, ${blockedReason(v4)}`);
  });

  it.each([
    ['::5db8:d822', '93.184.216.34 IPv4-compatible'],
    ['64:ff9b::5db8:d822', '93.184.216.34 via NAT64'],
    ['2002:5db8:d822::1', '93.184.216.34 via 6to4'],
    ['2001:0:4136:e378:8000:63bf:a247:27dd', 'Teredo server 65.54.227.120, client 93.184.216.34'],
  ])('allows %s (%s)', (ip) => expect(blockedReason(ip)).toBeNull());

  it.each(['64:ff9b:1::7f00:1', '100::1', '::2:7f00:1', '4000::1', 'fec0::1'])('blocks %s, which is not global unicast or is reserved', (ip) =>
    expect(blockedReason(ip)).not.toBeNull(),
  );
});

describe('refusal', () => {
  const none = parseOutboundAllowList(null);
  it('states the address and its range', () => {
    expect(refusal('10.0.0.1', 'internal.example', none)).toBe('resolves to 10.0.0.1 (private)');
    expect(refusal('::ffff:7f00:1', '::ffff:7f00:1', none)).toBe('resolves to ::ffff:7f00:1 (IPv4-mapped 127.0.0.1, loopback)');
    expect(refusal('93.184.216.34', 'example.com', none)).toBeNull();
  });

  it('lets through what OUTBOUND_ALLOW_HOSTS lists, by host name or by address', () => {
    const allow = parseOutboundAllowList('vendor.internal,10.20.0.0/16,127.0.0.1');
    expect(refusal('10.0.0.1', 'vendor.internal', allow)).toBeNull();
    expect(refusal('10.20.3.4', 'other.internal', allow)).toBeNull();
    expect(refusal('127.0.0.1', '127.0.0.1', allow)).toBeNull();
    expect(refusal('10.0.0.1', 'other.internal', allow)).toBe('resolves to 10.0.0.1 (private)');
    expect(refusal('169.254.169.254', '169.254.169.254', allow)).toBe('resolves to 169.254.169.254 (linkLocal)');
    expect(refusal('::ffff:127.0.0.1', '::ffff:127.0.0.1', allow)).toBe('resolves to ::ffff:127.0.0.1 (IPv4-mapped 127.0.0.1, loopback)');
  });
});

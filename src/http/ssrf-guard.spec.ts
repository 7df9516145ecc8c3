import { blockedReason } from './ssrf-guard';

describe('blockedReason', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '::'])(
    'blocks %s',
    (ip) => expect(blockedReason(ip)).toMatch(/range/),
  );
  it.each(['93.184.216.34', '2606:4700:4700::1111', '1.1.1.1'])('allows public %s', (ip) => expect(blockedReason(ip)).toBeNull());

  // IPv6 forms that carry an IPv4 address are judged by that address
  it.each([
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
    expect(blockedReason(ip)).toBe(`${ip} carries the IPv4 address ${v4} (${form}): ${v4} is in a ${blockedReason(v4)!.split(' in a ')[1]}`);
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

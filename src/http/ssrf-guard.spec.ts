import { blockedReason } from './ssrf-guard';

describe('blockedReason', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0'])(
    'blocks %s',
    (ip) => expect(blockedReason(ip)).toMatch(/range/),
  );
  it.each(['93.184.216.34', '2606:4700:4700::1111', '1.1.1.1'])('allows public %s', (ip) => expect(blockedReason(ip)).toBeNull());
});

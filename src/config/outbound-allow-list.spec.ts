import { ConfigError, loadConfig } from './app-config';
import { allowsAddress, allowsHostName, parseOutboundAllowList } from './outbound-allow-list';

describe('parseOutboundAllowList', () => {
  it('is empty when unset', () => {
    const list = parseOutboundAllowList(null);
    expect(allowsAddress(list, '127.0.0.1')).toBe(false);
    expect(allowsHostName(list, 'localhost')).toBe(false);
  });

  it('reads host names, wildcards, addresses and CIDRs', () => {
    const list = parseOutboundAllowList(' Vendor.Internal. , *.corp.example,127.0.0.1, 10.20.0.0/16 ,fd00::/8, ::1');
    expect(allowsHostName(list, 'vendor.internal')).toBe(true);
    expect(allowsHostName(list, 'VENDOR.internal.')).toBe(true);
    expect(allowsHostName(list, 'api.vendor.internal')).toBe(false);
    expect(allowsHostName(list, 'api.corp.example')).toBe(true);
    expect(allowsHostName(list, 'corp.example')).toBe(false);
    expect(allowsHostName(list, 'evilcorp.example')).toBe(false);
    expect(allowsAddress(list, '127.0.0.1')).toBe(true);
    expect(allowsAddress(list, '127.0.0.2')).toBe(false);
    expect(allowsAddress(list, '10.20.255.1')).toBe(true);
    expect(allowsAddress(list, '10.21.0.1')).toBe(false);
    expect(allowsAddress(list, 'fd12::1')).toBe(true);
    expect(allowsAddress(list, '::1')).toBe(true);
  });

  // The address is judged in the form connected to: allowing 127.0.0.1 does not open ::ffff:127.0.0.1.
  it('does not stretch an IPv4 entry to the IPv6 forms of the address', () => {
    const list = parseOutboundAllowList('127.0.0.1,10.0.0.0/8');
    expect(allowsAddress(list, '::ffff:127.0.0.1')).toBe(false);
    expect(allowsAddress(list, '::ffff:a00:1')).toBe(false);
  });

  it.each(['0x7f000001', '2130706433', '127.1', '10/8', '10.0.0.0/33', 'fd00::/129', 'http://vendor.internal', 'vendor.internal:8080', '-bad.example', '*.', '10.0.0.0/x'])(
    'refuses "%s"',
    (entry) => expect(() => parseOutboundAllowList(entry)).toThrow(entry),
  );
});

describe('loadConfig: OUTBOUND_ALLOW_HOSTS', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ DATA_DIR: '/tmp/hd-allow-list-spec', ...env });

  it('refuses to start on an entry it cannot read, naming the setting', () => {
    expect(load({ OUTBOUND_ALLOW_HOSTS: '10.0.0.0/8,10.0.0.0/99' })).toThrow(new ConfigError('OUTBOUND_ALLOW_HOSTS: "10.0.0.0/99" is not a CIDR such as 10.20.0.0/16 or fd00::/8'));
  });

  // The blanket switch is gone; starting anyway would quietly block what it used to allow.
  it('refuses to start with OUTBOUND_ALLOW_PRIVATE=true, pointing at OUTBOUND_ALLOW_HOSTS', () => {
    expect(load({ OUTBOUND_ALLOW_PRIVATE: 'true' })).toThrow(/OUTBOUND_ALLOW_PRIVATE was replaced by OUTBOUND_ALLOW_HOSTS/);
    expect(load({ OUTBOUND_ALLOW_PRIVATE: 'false' })()).toMatchObject({ http: { outboundAllowHosts: { cidrs: [] } } });
  });
});

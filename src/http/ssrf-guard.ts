import ipaddr from 'ipaddr.js';

// Ranges a user-supplied URL must not reach unless the operator allows private networks
// (loopback, RFC 1918, link-local incl. cloud metadata 169.254.169.254, CGNAT, multicast, reserved, ...).
const BLOCKED_RANGES = new Set([
  'unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'private', 'reserved', 'carrierGradeNat',
  'uniqueLocal', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'as112v6',
  'deprecated', 'orchid2', 'discard',
]);

export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return BLOCKED_RANGES.has(range) ? `${address} is in a ${range} range, which outbound requests may not reach` : null;
}

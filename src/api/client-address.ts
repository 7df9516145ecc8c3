import ipaddr from 'ipaddr.js';

// What one client is, for counting its failed authentications: an IPv4 address, or the /64 of an IPv6 address (one
// host commonly holds a whole /64 and could otherwise take a fresh address for every guess).
export function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const addr = ipaddr.process(ip); // ::ffff:1.2.3.4 is 1.2.3.4
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

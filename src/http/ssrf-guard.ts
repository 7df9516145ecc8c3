import ipaddr from 'ipaddr.js';
import { allowsAddress, allowsHostName, OutboundAllowList } from '../config/outbound-allow-list';

// Ranges a user-supplied URL must not reach unless OUTBOUND_ALLOW_HOSTS allows it (loopback, RFC 1918, link-local
// incl. cloud metadata 169.254.169.254, CGNAT, multicast, 0.0.0.0/8, reserved, ...).
const BLOCKED_RANGES = new Set([
  'unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'private', 'reserved', 'carrierGradeNat',
  'uniqueLocal', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'as112v6',
  'deprecated', 'orchid2', 'discard',
]);

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const V4_COMPATIBLE = ipaddr.parseCIDR('::/96'); // deprecated IPv4-compatible form: ::127.0.0.1 is ::7f00:1
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96'); // the well-known NAT64 prefix, RFC 6052

// Why a connection to `address`, reached through the URL host `hostname`, is refused: the sentence after
// "blocked_destination: ", or null when it may go ahead.
export function refusal(address: string, hostname: string, allow: OutboundAllowList): string | null {
  if (allowsHostName(allow, hostname) || allowsAddress(allow, address)) return null;
  const reason = blockedReason(address);
  return reason === null ? null : `resolves to ${address} (${reason})`;
}

// The kind of range that makes an address unreachable for outbound requests ("private", "loopback",
// "IPv4-mapped 127.0.0.1, loopback", ...), or null for a public address.
export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const ip = ipaddr.parse(hexTail(address));
  if (ip.kind() === 'ipv4') return rangeReason(ip);
  const v6 = ip as ipaddr.IPv6;
  // An IPv6 address that carries an IPv4 address reaches that IPv4 address (through the host's stack, a NAT64
  // gateway, a 6to4 or Teredo relay), so it is judged by every IPv4 address it carries.
  const carried = embeddedIPv4(v6);
  if (carried) {
    for (const [form, v4] of carried) {
      const blocked = rangeReason(v4);
      if (blocked) return `${form} ${v4.toString()}, ${blocked}`;
    }
    return null;
  }
  const blocked = rangeReason(v6);
  if (blocked) return blocked;
  // Outside 2000::/3 nothing is routed on the internet (what is assigned there is named above).
  if (!v6.match(GLOBAL_UNICAST)) return 'not global unicast';
  return null;
}

// ipaddr.js reads the deprecated "::127.0.0.1" as "::ffff:127.0.0.1"; written in hex it keeps its own meaning.
function hexTail(address: string): string {
  if (!address.includes(':')) return address;
  return address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a: string, b: string, c: string, d: string) => {
    const hex = (x: string, y: string) => ((Number(x) << 8) | Number(y)).toString(16);
    return `${hex(a, b)}:${hex(c, d)}`;
  });
}

function rangeReason(ip: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = ip.range();
  return BLOCKED_RANGES.has(range) ? range : null;
}

// The IPv4 addresses an IPv6 address carries, by the form that carries them; null when it carries none.
export function embeddedIPv4(ip: ipaddr.IPv6): [string, ipaddr.IPv4][] | null {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = ip.range();
  if (range === 'ipv4Mapped') return [['IPv4-mapped', v4(p[6], p[7])]];
  if (range === 'rfc6145') return [['IPv4-translated', v4(p[6], p[7])]];
  if (ip.match(NAT64)) return [['NAT64', v4(p[6], p[7])]];
  // 2002:AABB:CCDD::/48 is the 6to4 site of AA.BB.CC.DD
  if (range === '6to4') return [['6to4', v4(p[1], p[2])]];
  // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: the Teredo server, and the client's address with every bit inverted
  if (range === 'teredo') return [['Teredo server', v4(p[2], p[3])], ['Teredo client', v4(~p[6] & 0xffff, ~p[7] & 0xffff)]];
  // :: and ::1 are the unspecified and loopback addresses, not IPv4-compatible ones; ipaddr names them
  if (ip.match(V4_COMPATIBLE) && range !== 'unspecified' && range !== 'loopback') return [['IPv4-compatible', v4(p[6], p[7])]];
  return null;
}

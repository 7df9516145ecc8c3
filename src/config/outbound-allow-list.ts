import ipaddr from 'ipaddr.js';

// OUTBOUND_ALLOW_HOSTS: what outbound HTTP may reach although the SSRF guard would refuse it (a vendor API or a
// portal on the operator's own network). Host names are matched on the URL's host, before DNS; addresses and CIDRs
// on the address actually connected to, in the form it has: an allowed IPv4 address does not allow its IPv6 forms.
export interface OutboundAllowList {
  names: ReadonlySet<string>; // exact host names, lower case, no trailing dot
  suffixes: readonly string[]; // from `*.example.internal`: ".example.internal"
  cidrs: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

// Comma-separated host names (`vendor.internal`, `*.corp.example`), IP addresses and CIDRs (`10.20.0.0/16`, `fd00::/8`).
// Throws a message for the operator on anything else: a typo here must not quietly block or open a destination.
export function parseOutboundAllowList(raw: string | null): OutboundAllowList {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const lower = entry.toLowerCase();
    if (lower.includes('/')) {
      cidrs.push(parseCidr(entry));
    } else if (ipaddr.IPv4.isValidFourPartDecimal(lower) || ipaddr.IPv6.isValid(lower)) {
      const ip = ipaddr.parse(lower);
      cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (lower.startsWith('*.') && isHostName(lower.slice(2))) {
      suffixes.push(lower.slice(1));
    } else if (isHostName(lower.replace(/\.$/, ''))) {
      names.add(lower.replace(/\.$/, ''));
    } else {
      throw new Error(`"${entry}" is neither a host name, an IP address nor a CIDR`);
    }
  }
  return { names, suffixes, cidrs };
}

function parseCidr(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const [addr, bits] = entry.split('/');
  // Strict forms only: ipaddr.js would also read "0x7f.1/8" and "10/8", which nobody means to write.
  if ((ipaddr.IPv4.isValidFourPartDecimal(addr) || ipaddr.IPv6.isValid(addr)) && /^\d{1,3}$/.test(bits ?? '')) {
    try {
      return ipaddr.parseCIDR(entry);
    } catch {
      /* prefix length out of range: reported below */
    }
  }
  throw new Error(`"${entry}" is not a CIDR such as 10.20.0.0/16 or fd00::/8`);
}

// Dotted names of letters, digits, '-' and '_'; an all-numeric name would be an IP address in another spelling.
function isHostName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.every((l) => LABEL.test(l)) && !/^[\d.]+$/.test(name) && !/^0x/i.test(labels[labels.length - 1]);
}

export function allowsHostName(list: OutboundAllowList, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return list.names.has(host) || list.suffixes.some((s) => host.endsWith(s));
}

export function allowsAddress(list: OutboundAllowList, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.parse(address);
  return list.cidrs.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
}

import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses an outbound fetch made for an anonymous caller (a client ID metadata document,
 * a client's jwks_uri) may connect to: public unicast only. Everything an attacker could use to
 * reach this server's own network is refused (SSRF): private, loopback, link-local, shared (CGN),
 * unique-local, multicast, unspecified, reserved and documentation ranges, in IPv4 and IPv6, and
 * IPv6 forms that carry one of those IPv4 addresses (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
 */
const refusedV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 unspecified (RFC 1122)
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints (RFC 3927)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24], // documentation (RFC 5737)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
] as const) refusedV4.addSubnet(network, prefix, 'ipv4');

/**
 * IPv6: only global unicast 2000::/3 (RFC 4291 §2.4) is allowed, an allow-list, so that every
 * other range (loopback, unspecified, IPv4-compatible ::/96, SIIT ::ffff:0:0/96 (RFC 6145), local-use
 * NAT64 64:ff9b:1::/48 (RFC 8215), discard 100::/64, the 5f00::/16 SRv6 SIDs (RFC 9602), unique-local,
 * link-local, site-local, multicast, and ranges assigned later) is refused without being listed.
 * Within 2000::/3, the special-purpose blocks below (IANA IPv6 Special-Purpose Address Registry)
 * are refused too. The IPv4-carrying forms judged by their IPv4 address are handled before this.
 */
const refusedV6 = new BlockList();
for (const [network, prefix] of [
  ['2001::', 23], // IETF protocol assignments (RFC 2928), Teredo 2001::/32 (RFC 4380), ORCHID, benchmarking 2001:2::/48
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['3fff::', 20], // documentation (RFC 9637)
] as const) refusedV6.addSubnet(network, prefix, 'ipv6');

/** 2000::/3, global unicast (RFC 4291 §2.4): the first three bits 001. */
function isGlobalUnicastV6(groups: number[]): boolean {
  return ((groups[0] ?? 0) & 0xe000) === 0x2000;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/** The IPv4 address an IPv6 address carries, when it is one of the forms that embed one. */
function embeddedIpv4(groups: number[]): string | undefined {
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  // ::ffff:a.b.c.d, IPv4-mapped (RFC 4291 §2.5.5.2)
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return v4(g6, g7);
  // 64:ff9b::a.b.c.d, NAT64 (RFC 6052)
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  // 2002:aabb:ccdd::/48, 6to4 (RFC 3056)
  if (g0 === 0x2002 && g1 !== undefined && g2 !== undefined) return v4(g1, g2);
  return undefined;
}

/** True when `address` (an IP literal) is public unicast, where an outbound fetch may connect. */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !refusedV4.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  const groups = ipv6Groups(address);
  if (groups.length !== 8 || groups.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) return false;
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return isPublicAddress(embedded);
  if (!isGlobalUnicastV6(groups)) return false;
  const normalized = groups.map((group) => group.toString(16)).join(':');
  return !refusedV6.check(normalized, 'ipv6');
}

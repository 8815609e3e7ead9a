/**
 * Which addresses a feed fetch may connect to. Feed URLs are attacker-controlled, so only public
 * unicast addresses are allowed: loopback, private, link-local (169.254.169.254, the cloud
 * metadata service), unique-local, multicast, unspecified, carrier-grade NAT, documentation and
 * the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are refused.
 * ipaddr.js classifies; we allow exactly its `unicast` range.
 */
import ipaddr from 'ipaddr.js';

/** Why an address is refused, or undefined when it may be connected to. */
export function refusedRange(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return 'not an IP address';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

export function isIpLiteral(hostname: string): boolean {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare));
}

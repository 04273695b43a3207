import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/core/address-classifier.js';

describe('isPublicAddress (SSRF: where outbound fetches may connect)', () => {
  const refused = [
    '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.254', '192.168.1.1', '127.0.0.1', '127.1.2.3',
    '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250',
    '255.255.255.255', '240.0.0.1', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '192.0.0.8',
    '::1', '::', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:0.0.0.0',
    '::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::10.1.2.3', '2002:7f00:1::1', '2002:c0a8:101::1', '100::1',
    // IPv6 ranges that can carry IPv4 or are not global unicast: SIIT (RFC 6145), local-use NAT64 (RFC 8215),
    // Teredo (RFC 4380), documentation (RFC 9637), SRv6 SIDs (RFC 9602), ORCHIDv2, benchmarking, and outside 2000::/3.
    '::ffff:0:7f00:1', '::ffff:0:808:808', '64:ff9b:1::7f00:1', '64:ff9b:1::808:808', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '3fff::1', '3fff:fff::1', '5f00::1', '2001:20::1', '2001:2::1', '4000::1', '1000::1', 'e000::1',
    'not-an-address', 'example.com', '',
  ];
  const allowed = [
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '172.15.255.255', '100.63.255.255', '100.128.0.1',
    '169.253.0.1', '192.169.0.1', '11.0.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8',
    '64:ff9b::808:808', '2002:808:808::1', '2001:200::1', '2a00:1450:4001:81c::200e', '3ffe::1', '2620:fe::fe',
  ];
  it.each(refused)('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));
  it.each(allowed)('allows %s', (address) => expect(isPublicAddress(address)).toBe(true));
});

import { describe, expect, it } from 'vitest';
import { addressBucket, slowDownMs, THROTTLE } from '../../src/core/login-throttle.js';

describe('addressBucket', () => {
  it('keeps an IPv4 address, also when written IPv4-mapped', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const bucket = '2001:db8:0:1::/64';
    for (const ip of ['2001:db8:0:1::1', '2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:0db8:0000:0001:0:0:0:2', '2001:DB8:0:1::abcd%eth0']) {
      expect(addressBucket(ip), ip).toBe(bucket);
    }
    expect(addressBucket('2001:db8:0:2::1')).not.toBe(bucket);
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::')).toBe('fe80:0:0:0::/64');
  });
});

describe('slowDownMs', () => {
  it('waits not at all below the threshold, then doubles, and never more than the cap', () => {
    const at = THROTTLE.slowDownAfterUserFailures;
    expect(slowDownMs(0)).toBe(0);
    // One address can fail at most maxFailuresPerUserAndAddress times: never enough to slow the user down.
    expect(slowDownMs(THROTTLE.maxFailuresPerUserAndAddress)).toBe(0);
    expect(slowDownMs(at - 1)).toBe(0);
    expect(slowDownMs(at)).toBe(THROTTLE.firstDelayMs);
    expect(slowDownMs(2 * at)).toBe(2 * THROTTLE.firstDelayMs);
    expect(slowDownMs(3 * at)).toBe(4 * THROTTLE.firstDelayMs);
    expect(slowDownMs(1_000_000)).toBe(THROTTLE.maxDelayMs);
  });
});

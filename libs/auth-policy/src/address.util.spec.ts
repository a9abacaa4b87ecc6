import { describe, expect, it } from 'vitest';
import { addressClass, hostAllowed, parseAllowlist, refusalOf, type AddressPolicy } from './address.util';

const defaults: AddressPolicy = { allow: [], refusePrivate: false };

describe('SSRF address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
  ])('refuses %s (%s) by default', (ip, cls) => {
    expect(addressClass(ip)).toBe(cls);
    expect(refusalOf(ip, defaults)).toMatch(/address/);
  });

  it('allows public and, by default, private addresses', () => {
    for (const ip of ['93.184.216.34', '2606:4700::1111', '10.1.2.3', '192.168.0.10']) expect(refusalOf(ip, defaults)).toBeNull();
    expect(refusalOf('10.1.2.3', { allow: [], refusePrivate: true })).toMatch(/private/);
    expect(refusalOf('fd12::1', { allow: [], refusePrivate: true })).toMatch(/uniqueLocal/);
  });

  it('opens exceptions by CIDR and by host name', () => {
    const p: AddressPolicy = { allow: parseAllowlist('127.0.0.0/8, hooks.internal *.corp.example'), refusePrivate: false };
    expect(refusalOf('127.0.0.1', p)).toBeNull();
    expect(refusalOf('169.254.169.254', p)).not.toBeNull();
    expect(hostAllowed('hooks.internal', p)).toBe(true);
    expect(hostAllowed('a.corp.example', p)).toBe(true);
    expect(hostAllowed('corp.example.evil.com', p)).toBe(false);
    expect(hostAllowed('[::1]', { allow: ['::1'], refusePrivate: false })).toBe(true);
  });
});

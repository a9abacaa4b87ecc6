import { describe, expect, it } from 'vitest';
import { accountRoles, applicationRoles, hasAccountPermission, hasApplicationPermission, isRestricted, mayRunAs, missingJudgmentRoles } from './permissions.util';
import type { Principal } from './principal';

const who = (...roles: string[]): Principal => ({ name: roles.join('+') || 'none', roles, admin: false });
const admin: Principal = { name: 'root', roles: [], admin: true };
const app = { READ: ['reader'], EXECUTE: ['executor'], WRITE: ['writer'] };

describe('application permissions (Fiat model)', () => {
  it('is open to every signed-in principal without permissions, or with only empty lists', () => {
    for (const p of [null, undefined, {}, { READ: [], WRITE: [] }]) {
      expect(isRestricted(p)).toBe(false);
      for (const perm of ['READ', 'WRITE', 'EXECUTE'] as const) expect(hasApplicationPermission(who(), p, perm)).toBe(true);
    }
  });

  it.each([
    ['reader', { READ: true, EXECUTE: false, WRITE: false }],
    ['executor', { READ: true, EXECUTE: true, WRITE: false }],
    ['writer', { READ: true, EXECUTE: false, WRITE: true }],
    ['stranger', { READ: false, EXECUTE: false, WRITE: false }],
  ])('%s gets exactly its grants; WRITE and EXECUTE imply READ', (role, expected) => {
    for (const [perm, allowed] of Object.entries(expected)) expect(hasApplicationPermission(who(role), app, perm as 'READ')).toBe(allowed);
  });

  it('lets an admin do anything on a restricted application', () => {
    expect(hasApplicationPermission(admin, app, 'WRITE')).toBe(true);
    expect(hasApplicationPermission(admin, { WRITE: ['nobody'] }, 'EXECUTE')).toBe(true);
  });

  it('falls back to READ for EXECUTE when EXECUTE is not set (Fiat executeFallback)', () => {
    const p = { READ: ['dev'], WRITE: ['lead'] };
    expect(applicationRoles(p, 'EXECUTE').sort()).toEqual(['dev', 'lead']);
    expect(hasApplicationPermission(who('dev'), p, 'EXECUTE')).toBe(true);
    expect(hasApplicationPermission(who('dev'), { ...p, EXECUTE: [] }, 'EXECUTE')).toBe(false);
  });

  it('does not grant a role that only resembles a listed one', () => {
    expect(hasApplicationPermission(who('Reader', 'read'), app, 'READ')).toBe(false);
  });
});

describe('account permissions', () => {
  const acc = { READ: ['dev'], WRITE: ['deployer'] };
  it('WRITE implies READ; READ does not give WRITE', () => {
    expect(accountRoles(acc, 'READ').sort()).toEqual(['deployer', 'dev']);
    expect(hasAccountPermission(who('dev'), acc, 'WRITE')).toBe(false);
    expect(hasAccountPermission(who('deployer'), acc, 'READ')).toBe(true);
  });
  it('a restricted account without WRITE roles is deployable by admins only', () => {
    expect(hasAccountPermission(who('dev'), { READ: ['dev'] }, 'WRITE')).toBe(false);
    expect(hasAccountPermission(admin, { READ: ['dev'] }, 'WRITE')).toBe(true);
    expect(hasAccountPermission(who(), undefined, 'WRITE')).toBe(true);
  });
});

describe('manual judgment roles and run-as', () => {
  it('names the roles a judge lacks, and nothing when any one is held', () => {
    expect(missingJudgmentRoles(who('dev'), { requiredJudgmentRoles: ['sre', 'lead'] })).toEqual(['sre', 'lead']);
    expect(missingJudgmentRoles(who('dev', 'lead'), { requiredJudgmentRoles: ['sre', 'lead'] })).toBeNull();
    expect(missingJudgmentRoles(admin, { requiredJudgmentRoles: ['sre'] })).toBeNull();
    expect(missingJudgmentRoles(who(), { requiredJudgmentRoles: [] })).toBeNull();
    expect(missingJudgmentRoles(who(), {})).toBeNull();
  });
  it('runs as a service account only with all of its roles', () => {
    expect(mayRunAs(who('a', 'b', 'c'), ['a', 'b'])).toBe(true);
    expect(mayRunAs(who('a'), ['a', 'b'])).toBe(false);
    expect(mayRunAs(admin, ['x'])).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { rolesFromClaims, userNameFromClaims } from './groups-claim.util';

describe('OIDC groups claim', () => {
  it('maps a list, a delimited string and a nested claim to roles', () => {
    expect(rolesFromClaims({ groups: ['dev', 'ops', 'dev'] }, 'groups')).toEqual(['dev', 'ops']);
    expect(rolesFromClaims({ groups: 'dev, ops sre' }, 'groups')).toEqual(['dev', 'ops', 'sre']);
    expect(rolesFromClaims({ realm_access: { roles: ['admin'] } }, 'realm_access.roles')).toEqual(['admin']);
    expect(rolesFromClaims({}, 'groups')).toEqual([]);
  });
  it('drops values that are not role names', () => {
    expect(rolesFromClaims({ groups: ['ok', '', ' spaced out', 42, '../x', 'a'.repeat(200)] }, 'groups')).toEqual(['ok']);
  });
  it('names the user by preferred_username, email, then subject', () => {
    expect(userNameFromClaims({ sub: 's', email: 'e@x', preferred_username: 'p' })).toBe('p');
    expect(userNameFromClaims({ sub: 's', email: 'e@x' })).toBe('e@x');
    expect(userNameFromClaims({ sub: 's' })).toBe('s');
  });
});

export * from './principal';
export * from './permissions.util';
export * from './stage-accounts.util';
export * from './redact.util';
export * from './groups-claim.util';
export * from './address.util';
export * from './stage-secrets.util';

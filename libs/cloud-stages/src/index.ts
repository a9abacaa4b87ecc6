export * from './tokens';
export * from './cloud-settings';
export * from './accounts.loader';
export * from './provider-factories';
export * from './clusters.service';
export * from './cloud-stages.module';

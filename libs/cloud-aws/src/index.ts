export { createAwsProvider, AwsProvider, type AwsProviderOptions } from './aws.provider';
export { parseAwsAccounts, type AwsAccountConfig, type AwsAccountDefaults } from './aws-account.util';
export { AwsClientFactory, type AwsClients, type AwsLogger, type AwsClientFactoryOptions } from './aws-client.factory';
export { AwsCallStats, type AwsCallRecord } from './aws-call-stats.util';

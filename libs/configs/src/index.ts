export * from './stage-types.util';
export * from './application.service';
export * from './pipeline-config.service';
export * from './configs.module';

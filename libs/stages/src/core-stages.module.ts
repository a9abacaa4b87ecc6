import { createUrlGuard, readAuthSettings } from '@gennaker/auth';
import { EXECUTION_LAUNCHER, type ExecutionLauncher } from '@gennaker/engine';
import { Module } from '@nestjs/common';
import { coreStagesPlugin } from './core-stages.plugin';

export const CORE_STAGES = Symbol('CORE_STAGES');

/**
 * Provides the core stage plugin; the launcher comes from the (global) runtime module. Webhook stages
 * refuse loopback, link-local and metadata addresses unless GENNAKER_WEBHOOK_ALLOWED_HOSTS allows them.
 */
@Module({
  providers: [
    {
      provide: CORE_STAGES,
      inject: [EXECUTION_LAUNCHER],
      useFactory: (launcher: ExecutionLauncher) => coreStagesPlugin({ launcher, urlGuard: createUrlGuard(readAuthSettings().webhookUrls) }),
    },
  ],
  exports: [CORE_STAGES],
})
export class CoreStagesModule {}

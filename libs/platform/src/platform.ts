import { AuthModule } from '@gennaker/auth';
import { CLOUD_STAGES, CloudStagesModule } from '@gennaker/cloud-stages';
import { ConfigsModule } from '@gennaker/configs';
import { DATA_SOURCE, RuntimeModule } from '@gennaker/runtime';
import { CORE_STAGES, CoreStagesModule } from '@gennaker/stages';
import { TriggerRuntimeModule } from '@gennaker/trigger-runtime';
import type { DynamicModule } from '@nestjs/common';

/**
 * The modules every Gennaker process loads. api and worker get the same stage registry, so a
 * pipeline the api accepts is one the worker can run.
 */
export function platformModules(options: { worker: boolean }): DynamicModule['imports'] {
  return [
    RuntimeModule.forRoot({
      worker: options.worker,
      pluginModules: [CoreStagesModule, CloudStagesModule.forRoot({ worker: options.worker, dataSource: DATA_SOURCE })],
      pluginTokens: [CORE_STAGES, CLOUD_STAGES],
    }),
    ConfigsModule,
    TriggerRuntimeModule.forRoot({ worker: options.worker }),
    AuthModule,
  ];
}

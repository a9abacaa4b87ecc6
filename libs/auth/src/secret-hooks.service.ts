import { restoreRedacted } from '@gennaker/auth-policy';
import { PipelineConfigService } from '@gennaker/configs';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';

/**
 * The API shows stage secrets (a webhook's Authorization header, passwords, tokens...) masked; a
 * pipeline saved back with the mask keeps the secret it had, as trigger secrets do.
 */
@Injectable()
export class SecretHooks implements OnModuleInit {
  constructor(@Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService) {}

  onModuleInit(): void {
    this.pipelines.registerHooks({
      beforeStore: (doc, previous) => ({ ...doc, stages: restoreRedacted(doc['stages'], previous?.['stages']) }),
    });
  }
}

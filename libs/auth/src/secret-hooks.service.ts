import { restoreRedacted, sealNotificationAddresses, sealStageSecrets, type SecretCipher } from '@gennaker/auth-policy';
import { PipelineConfigService } from '@gennaker/configs';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';

/** The cipher of stage secrets at rest (the triggers' SecretBox, same key). */
export const STAGE_SECRET_BOX = Symbol('STAGE_SECRET_BOX');

/**
 * Stage secrets (a webhook's Authorization header, passwords, tokens...) and notification addresses
 * that are URLs (incoming webhooks carry their credential) are stored encrypted and shown masked; a
 * pipeline saved back with the mask keeps the secret it had, as trigger secrets do.
 */
@Injectable()
export class SecretHooks implements OnModuleInit {
  constructor(
    @Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService,
    @Inject(STAGE_SECRET_BOX) private readonly box: SecretCipher,
  ) {}

  onModuleInit(): void {
    this.pipelines.registerHooks({
      beforeStore: (doc, previous) => {
        const out: Record<string, unknown> = { ...doc, stages: sealStageSecrets(restoreRedacted(doc['stages'], previous?.['stages']), this.box) };
        if (doc['notifications'] !== undefined) out['notifications'] = restoreRedacted(doc['notifications'], previous?.['notifications']);
        return sealNotificationAddresses(out, this.box);
      },
    });
  }
}

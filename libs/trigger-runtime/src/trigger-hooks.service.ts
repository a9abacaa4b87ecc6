import { isPlainObject } from '@gennaker/common';
import { PipelineConfigService, SECRET_MASK } from '@gennaker/configs';
import { validateTriggers } from '@gennaker/triggers';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CronSchedulers } from './cron-schedulers.service';
import { SecretBox } from './secret-box.service';
import { TriggerIndex } from './trigger-index.service';

/**
 * Plugs triggers into pipeline saves: trigger fields are validated (pointers), trigger secrets are
 * encrypted before they are stored (a masked secret sent back keeps the stored one), and cron
 * schedulers follow every committed change.
 */
@Injectable()
export class TriggerHooks implements OnModuleInit {
  constructor(
    @Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(CronSchedulers) private readonly cron: CronSchedulers,
    @Inject(TriggerIndex) private readonly index: TriggerIndex,
  ) {}

  onModuleInit(): void {
    this.pipelines.registerHooks({
      validate: (p) => validateTriggers(p),
      beforeStore: (doc, previous) => this.encryptSecrets(doc, previous),
      afterChange: async ({ id }) => {
        this.index.invalidate();
        await this.cron.syncPipeline(id);
      },
    });
  }

  encryptSecrets(doc: Record<string, unknown>, previous: Record<string, unknown> | null): Record<string, unknown> {
    const triggers = doc['triggers'];
    if (!Array.isArray(triggers)) return doc;
    const before = Array.isArray(previous?.['triggers']) ? (previous['triggers'] as unknown[]) : [];
    return {
      ...doc,
      triggers: triggers.map((t, i) => {
        if (!isPlainObject(t) || typeof t['secret'] !== 'string') return t;
        if (t['secret'] === '') {
          const { secret: _drop, ...rest } = t;
          return rest;
        }
        if (t['secret'] === SECRET_MASK) {
          // The API showed the mask; sending it back means "keep the secret you have".
          const old = before[i];
          const kept = isPlainObject(old) && old['type'] === t['type'] ? old['secret'] : undefined;
          const { secret: _mask, ...rest } = t;
          return kept !== undefined ? { ...rest, secret: kept } : rest;
        }
        return { ...t, secret: this.secrets.encrypt(t['secret']) };
      }),
    };
  }
}

import type { RawAccount } from '@gennaker/cloud';
import { CLOUD_ACCOUNTS } from '@gennaker/cloud-stages';
import { ConfigsModule } from '@gennaker/configs';
import { Global, Inject, Module, Optional, type OnModuleInit } from '@nestjs/common';
import { AccessService } from './access.service';
import { AuditService } from './audit.service';
import { AUTH_SETTINGS, readAuthSettings } from './auth-settings';
import { ExecutionAuthorizerService } from './execution-authorizer.service';
import { registerSecretsOf, registerSecretSettings } from './known-secrets';
import { OidcService } from './oidc.service';
import { SecretHooks, STAGE_SECRET_BOX } from './secret-hooks.service';
import { readTriggerSettings, SecretBox } from '@gennaker/trigger-runtime';
import { TokenService } from './token.service';

/** Registers this install's secrets (settings, account credentials) for redaction. */
class SecretRegistry implements OnModuleInit {
  constructor(@Optional() @Inject(CLOUD_ACCOUNTS) private readonly accounts: RawAccount[] | null) {}
  onModuleInit(): void {
    registerSecretSettings();
    for (const a of this.accounts ?? []) registerSecretsOf(a);
  }
}

/**
 * Security for api and worker: tokens, access checks, the execution authorizer (registered with the
 * runtime at start-up), the audit log, stage-secret masking on save, OIDC. Global so the api's guard
 * and controllers can use it. Needs the (global) runtime and cloud modules.
 */
@Global()
@Module({
  imports: [ConfigsModule],
  providers: [
    { provide: AUTH_SETTINGS, useFactory: () => readAuthSettings() },
    // The triggers' cipher and key (GENNAKER_SECRETS_KEY, else the per-install key file).
    { provide: STAGE_SECRET_BOX, useFactory: () => new SecretBox(readTriggerSettings()) },
    TokenService,
    AccessService,
    AuditService,
    ExecutionAuthorizerService,
    SecretHooks,
    OidcService,
    SecretRegistry,
  ],
  exports: [AUTH_SETTINGS, STAGE_SECRET_BOX, TokenService, AccessService, AuditService, OidcService],
})
export class AuthModule {}

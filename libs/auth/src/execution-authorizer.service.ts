import { accountsOfContext, ANONYMOUS, hasSealedSecrets, revealStageSecrets, withAdmin, type Principal, type SecretCipher } from '@gennaker/auth-policy';
import { isPlainObject } from '@gennaker/common';
import type { Execution, Stage } from '@gennaker/engine';
import { ExecutionRepository, type RowsToInsert } from '@gennaker/persistence';
import { EXECUTION_REPOSITORY, ExecutionService, TaskRunner, type ExecutionAuthorizer, type StartAuthorization } from '@gennaker/runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { STAGE_SECRET_BOX } from './secret-hooks.service';
import { AccessService } from './access.service';
import { AuditService } from './audit.service';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';
import { forbidden } from './errors';
import { RequestContext } from './request-context';
import { TokenService } from './token.service';

/** What an execution records of who started it: checked again before each task acts. */
export interface ExecutionAuthentication {
  user: string;
  roles: string[];
  kind: string;
}

/**
 * Fiat's checks on executions. At start: EXECUTE on the application and WRITE on every account its
 * stages name, for the principal it runs as: the caller of the API, the trigger's `runAsUser`
 * service account, the parent execution's principal (a pipeline stage), else anonymous. Before each
 * task: WRITE on the accounts of the stage's evaluated context, for the principal recorded at start.
 */
@Injectable()
export class ExecutionAuthorizerService implements ExecutionAuthorizer, OnModuleInit {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(EXECUTION_REPOSITORY) private readonly executions: ExecutionRepository,
    @Inject(ExecutionService) private readonly executionService: ExecutionService,
    @Inject(TaskRunner) private readonly taskRunner: TaskRunner,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(STAGE_SECRET_BOX) private readonly box: SecretCipher,
  ) {}

  onModuleInit(): void {
    this.executionService.useAuthorizer(this);
    this.taskRunner.useAuthorizer(this);
  }

  async authorizeStart(r: StartAuthorization): Promise<Record<string, unknown> | null> {
    const principal = await this.principalOf(r);
    // The route's guard may have checked this very permission for this caller a moment ago.
    if (!(principal === RequestContext.principal() && RequestContext.verified(r.application, 'EXECUTE'))) {
      await this.access.requireApplication(principal, r.application, 'EXECUTE', r.manager);
    }
    this.access.requireAccountsOfStages(principal, r.config['stages']);
    const auth: ExecutionAuthentication = { user: principal.name, roles: principal.roles, kind: principal.kind ?? 'token' };
    if (principal.kind === 'service') r.trigger['runAsUser'] = principal.name;
    return { ...auth };
  }

  startRecords(execution: Execution): RowsToInsert[] {
    const auth = authenticationOf(execution);
    return [
      this.audit.rows({
        actor: auth?.user ?? String(execution.trigger['user'] ?? 'anonymous'),
        action: 'execution.start',
        application: execution.application,
        resourceType: 'execution',
        resourceId: execution.id,
        details: { type: execution.type, name: execution.name, pipelineId: execution.pipelineConfigId, trigger: execution.trigger['type'] ?? null, ...(execution.parentExecutionId ? { parentExecutionId: execution.parentExecutionId } : {}) },
      }),
    ];
  }

  async authorizeTask(execution: Execution, stage: Stage): Promise<string | null> {
    const accounts = accountsOfContext(stage.context);
    if (accounts.length === 0) return null;
    const auth = authenticationOf(execution);
    const principal: Principal = auth ? withAdmin({ name: auth.user, roles: auth.roles, kind: auth.kind as Principal['kind'] }, this.settings.adminRoles) : ANONYMOUS;
    const account = this.access.deniedAccount(principal, accounts, 'WRITE');
    return account === null ? null : `${principal.name} may not act on account "${account}" (needs WRITE on the account); stage "${stage.name}" was not run`;
  }

  revealSecrets(stage: Stage): Stage {
    return hasSealedSecrets(stage.context) ? { ...stage, context: revealStageSecrets(stage.context, this.box) as Record<string, unknown> } : stage;
  }

  private async principalOf(r: StartAuthorization): Promise<Principal> {
    const caller = RequestContext.principal();
    if (caller) return caller;
    // A child of a pipeline stage runs as its parent did.
    if (r.parentExecutionId) {
      const parent = await this.executions.load(r.parentExecutionId);
      const auth = parent ? authenticationOf(parent) : null;
      if (auth) return withAdmin({ name: auth.user, roles: auth.roles, kind: auth.kind as Principal['kind'] }, this.settings.adminRoles);
      return ANONYMOUS;
    }
    // Triggers (git, cron, pipeline) run as their runAsUser service account, else anonymous.
    const index = r.trigger['triggerIndex'];
    const triggers = r.config['triggers'];
    const trigger = typeof index === 'number' && Array.isArray(triggers) ? triggers[index] : undefined;
    const runAs = isPlainObject(trigger) && typeof trigger['runAsUser'] === 'string' && trigger['runAsUser'] !== '' ? trigger['runAsUser'] : null;
    if (runAs === null) return ANONYMOUS;
    const service = await this.tokens.serviceAccount(runAs, r.manager);
    if (!service) throw forbidden(`the trigger runs as service account "${runAs}", which does not exist or was revoked`);
    return service;
  }
}

export function authenticationOf(e: Execution): ExecutionAuthentication | null {
  const a = e.trigger['authentication'];
  if (!isPlainObject(a) || typeof a['user'] !== 'string' || !Array.isArray(a['roles'])) return null;
  return { user: a['user'], roles: a['roles'].filter((r): r is string => typeof r === 'string'), kind: typeof a['kind'] === 'string' ? a['kind'] : 'token' };
}


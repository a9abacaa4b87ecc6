import { ANONYMOUS, missingJudgmentRoles, mayRunAs, type PermissionMap, type Principal } from '@gennaker/auth-policy';
import { AccessService, AUTH_SETTINGS, denied, forbidden, TokenService, unauthorized, type AuthSettings } from '@gennaker/auth';
import { GennakerError, InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import { findStage } from '@gennaker/engine';
import type { PipelineConfigEntity } from '@gennaker/persistence';
import { ExecutionService } from '@gennaker/runtime';
import { Inject, Injectable, Logger, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { policyOf, type AppLocator, type RoutePolicy } from '../security/route-policies';
import { AuthFailureLimiter } from '../security/rate-limit.middleware';
import { routeKeysOf } from '../security/route-key.util';

export type { Principal } from '@gennaker/auth-policy';

/** What the guard found out about a request, for the response filters and the audit log. */
export interface RequestAuthorization {
  policy: RoutePolicy;
  application: string | null;
  /** The application's permissions before the request (an update that changes them is audited as such). */
  previousPermissions?: unknown;
  /** Permissions found held on the application, as `application:PERMISSION` (not asked again deeper down). */
  verified?: string[];
  /** The pipeline the route names, as the guard read it (the start route runs this row). */
  pipeline?: PipelineConfigEntity;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
    authz?: RequestAuthorization;
  }
}

/**
 * Authentication and authorization of every route, from the central route-policy table
 * (security/route-policies.ts): no controller carries its own checks.
 * - Bearer tokens: GENNAKER_ADMIN_TOKEN, API tokens, OIDC sessions; revoked or expired ones are 401.
 * - Without a token: 401 when authentication is required, else the caller is anonymous (no roles).
 * - Then the route's policy: admin only, or READ/WRITE/EXECUTE on the application the route names,
 *   WRITE on the accounts a run would touch, manual-judgment roles, service accounts of triggers.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('auth');
  private readonly warned = new Set<string>();

  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ExecutionService) private readonly executions: ExecutionService,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Optional() @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter | null = null,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const key = routeKeysOf(ctx.getClass(), ctx.getHandler())[0] ?? `${req.method} ${req.path}`;
    const { policy, declared } = policyOf(key);
    if (!declared && !this.warned.has(key)) {
      this.warned.add(key);
      this.log.warn(`route ${key} has no entry in the route-policy table; using the default (${policy.auth}${policy.permission ? ` ${policy.permission}` : ''})`);
    }
    req.authz = { policy, application: null };
    if (policy.auth === 'public') return true;
    const principal = await this.authenticate(req);
    req.principal = principal;
    await this.authorize(req, policy, principal);
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const header = req.headers.authorization ?? '';
    // EventSource cannot send headers: the UI passes ?access_token= on its event streams (GET only).
    const query = req.method === 'GET' && typeof req.query['access_token'] === 'string' ? req.query['access_token'] : '';
    const token = /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : query;
    if (token === '') {
      if (this.settings.authRequired) throw unauthorized('missing bearer token (Authorization: Bearer <token>)');
      return ANONYMOUS;
    }
    // An address that sent too many bad tokens may still use issued tokens (users behind one proxy
    // keep working), but not the admin token, and every bad token is answered 429.
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = (await this.failures?.blockedFor(address)) ?? null;
    const r = await this.tokens.authenticate(token, { adminToken: wait === null });
    if (r.ok) return r.principal;
    if (wait !== null) throw new GennakerError('RATE_LIMITED', `too many requests with a bad token from this address; try again in ${wait} s`);
    // Only refused requests count as guesses (an open install ignores tokens it never issued).
    if (this.settings.authRequired || r.reason !== 'unknown') await this.failures?.failed(address);
    if (r.reason === 'revoked') throw unauthorized('this token was revoked');
    if (r.reason === 'expired') throw unauthorized('this token expired');
    // While authentication is not required, a token this install never issued is ignored (anonymous).
    if (this.settings.authRequired) throw unauthorized('invalid or expired token');
    return ANONYMOUS;
  }

  private async authorize(req: Request, policy: RoutePolicy, principal: Principal): Promise<void> {
    if (policy.auth === 'admin') {
      if (!principal.admin) throw denied(principal, `only an admin may ${req.method} ${req.path}`);
      return;
    }
    const located = policy.app ? await this.locate(req, policy.app) : null;
    const application = located?.application ?? null;
    const authz = req.authz as RequestAuthorization;
    authz.application = application;
    if (located?.pipeline) authz.pipeline = located.pipeline;
    if (policy.audit?.action === 'application.update' && application !== null) authz.previousPermissions = await this.access.applicationPermissions(application);
    if (policy.check === 'runAs') await this.checkRunAs(req, principal);
    if (principal.admin) return;
    if (application !== null) {
      const permission = policy.permission ?? 'READ';
      await this.access.requireApplication(principal, application, permission, undefined, located?.permissions);
      authz.verified = [`${application}:${permission}`];
    }
    if (policy.accounts === 'pipeline' && located?.pipelineConfig) this.access.requireAccountsOfStages(principal, located.pipelineConfig['stages']);
    if (policy.accounts === 'job' && isPlainObject(req.body)) this.access.requireAccountsOfStages(principal, req.body['job']);
    if (policy.check === 'judgment') await this.checkJudgment(req, principal);
  }

  private async locate(
    req: Request,
    from: AppLocator,
  ): Promise<{ application: string | null; pipelineConfig?: Record<string, unknown>; pipeline?: PipelineConfigEntity; permissions?: { permissions: PermissionMap | undefined } }> {
    const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
    if ('param' in from) return { application: str(req.params[from.param]) };
    if ('body' in from) return { application: isPlainObject(req.body) ? str(req.body[from.body]) : null };
    if ('query' in from) return { application: str(req.query[from.query]) };
    if ('pipelineParam' in from) {
      const id = str(req.params[from.pipelineParam]);
      const found = id ? await this.access.pipeline(id) : null;
      if (!found) return { application: null };
      const p = found.pipeline;
      return { application: p.application, pipelineConfig: p.config, pipeline: p, permissions: { permissions: found.permissions } };
    }
    const id = str(req.params[from.executionParam]);
    return { application: id ? await this.access.applicationOfExecution(id) : null };
  }

  /** requiredJudgmentRoles: only a holder of one of them judges the stage (403 naming them). */
  private async checkJudgment(req: Request, principal: Principal): Promise<void> {
    if (!isPlainObject(req.body) || req.body['judgmentStatus'] === undefined) return;
    const id = req.params['id'];
    const stageId = req.params['stageId'];
    if (typeof id !== 'string' || typeof stageId !== 'string') return;
    const execution = await this.executions.get(id).catch(() => null);
    const stage = execution ? findStage(execution, stageId) : undefined;
    if (!stage) return;
    const missing = missingJudgmentRoles(principal, stage.context);
    if (missing) throw forbidden(`judging stage "${stage.name}" needs one of the roles ${missing.join(', ')}; ${principal.name} has ${principal.roles.length > 0 ? principal.roles.join(', ') : 'none'}`);
  }

  /**
   * A trigger may run as a service account only if the one saving it holds all of its roles: in a
   * pipeline (`/triggers`) or in each file of a sync (`/files/{i}/content/triggers`).
   */
  private async checkRunAs(req: Request, principal: Principal): Promise<void> {
    if (!isPlainObject(req.body)) return;
    const lists: Array<{ base: string; triggers: unknown }> = [{ base: '/triggers', triggers: req.body['triggers'] }];
    if (Array.isArray(req.body['files'])) {
      (req.body['files'] as unknown[]).forEach((f, i) => {
        let content = isPlainObject(f) ? f['content'] : undefined;
        if (typeof content === 'string') {
          try {
            content = JSON.parse(content) as unknown;
          } catch {
            content = undefined; // not JSON: the sync itself says what is wrong with it
          }
        }
        if (isPlainObject(content)) lists.push({ base: `/files/${i}/content/triggers`, triggers: content['triggers'] });
      });
    }
    const errors: ErrorDetail[] = [];
    const refused: string[] = [];
    for (const { base, triggers } of lists) {
      if (!Array.isArray(triggers)) continue;
      for (const [i, t] of triggers.entries()) {
        if (!isPlainObject(t) || t['runAsUser'] === undefined || t['runAsUser'] === null || t['runAsUser'] === '') continue;
        const name = t['runAsUser'];
        if (typeof name !== 'string') {
          errors.push({ pointer: `${base}/${i}/runAsUser`, message: 'must be the name of a service account' });
          continue;
        }
        const service = await this.tokens.serviceAccount(name);
        if (!service) errors.push({ pointer: `${base}/${i}/runAsUser`, message: `no service account "${name}" (POST /api/v1/tokens with serviceAccount: true)` });
        else if (!mayRunAs(principal, service.roles)) refused.push(name);
      }
    }
    if (errors.length > 0) throw new InputError('invalid runAsUser', errors);
    if (refused.length > 0) throw denied(principal, `${principal.name} may not make triggers run as ${refused.join(', ')}: that needs every role of the service account`);
  }
}

export function userOf(req: Request): string {
  return req.principal?.name ?? 'anonymous';
}

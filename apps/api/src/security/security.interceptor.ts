import { AccessService, AuditService, forbidden, redactForApi, RequestContext } from '@gennaker/auth';
import { ANONYMOUS, type Principal } from '@gennaker/auth-policy';
import { isPlainObject } from '@gennaker/common';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, from, mergeMap } from 'rxjs';
import type { RequestAuthorization } from '../http/auth.guard';
import type { RoutePolicy } from './route-policies';

type Rec = Record<string, unknown>;

/**
 * After the guard: runs the handler with the caller as the request's principal (services deeper
 * down check starts with it), then filters list answers to what the caller may read, masks stage
 * secrets in pipeline documents and writes the audit event of the route.
 */
@Injectable()
export class SecurityInterceptor implements NestInterceptor {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const authz = req.authz;
    const principal = req.principal ?? null;
    const handled = new Observable<unknown>((subscriber) => RequestContext.run(principal, () => next.handle().subscribe(subscriber), authz?.verified));
    if (!authz) return handled;
    return handled.pipe(mergeMap((body) => from(this.after(req, res, authz, principal ?? ANONYMOUS, body))));
  }

  private async after(req: Request, res: Response, authz: RequestAuthorization, principal: Principal, body: unknown): Promise<unknown> {
    const policy = authz.policy;
    let out = body;
    if (policy.filter && !principal.admin) out = await this.filter(policy.filter, principal, out);
    if (policy.redact) out = redactForApi(out);
    // Written before the answer goes out: whoever reads the audit log after it finds the event.
    if (policy.audit) await this.record(req, res, authz, principal, policy, out);
    return out;
  }

  private async filter(kind: NonNullable<RoutePolicy['filter']>, principal: Principal, body: unknown): Promise<unknown> {
    const readable = async (): Promise<(app: unknown) => boolean> => {
      const apps = await this.access.readableApplications(principal);
      return (app) => apps === null || (typeof app === 'string' && apps.includes(app));
    };
    const items = (b: unknown): Rec[] | null => (isPlainObject(b) && Array.isArray(b['items']) ? (b['items'] as Rec[]) : null);
    switch (kind) {
      case 'applications': {
        const may = await readable();
        const list = items(body);
        return list ? { ...(body as Rec), items: list.filter((a) => may(a['name'])) } : body;
      }
      case 'executions': {
        const may = await readable();
        const list = items(body);
        return list ? { ...(body as Rec), items: list.filter((e) => may(e['application'])) } : body;
      }
      case 'deliveries': {
        const may = await readable();
        const list = items(body);
        if (!list) return body;
        return { ...(body as Rec), items: list.map((d) => visibleDelivery(d, may)).filter((d): d is Rec => d !== null) };
      }
      case 'delivery': {
        if (!isPlainObject(body)) return body;
        const d = visibleDelivery(body, await readable());
        if (!d) throw forbidden(`${principal.name} may read none of the applications of this delivery`);
        return d;
      }
      case 'accounts':
        return Array.isArray(body) ? body.filter((a: Rec) => this.access.mayOnAccount(principal, String(a['name']), 'READ')) : body;
      case 'clusters':
        return Array.isArray(body) ? body.filter((c: Rec) => this.access.mayOnAccount(principal, String(c['account']), 'READ')) : body;
    }
  }

  private async record(req: Request, res: Response, authz: RequestAuthorization, principal: Principal, policy: RoutePolicy, body: unknown): Promise<void> {
    const spec = policy.audit;
    if (!spec) return;
    const b = isPlainObject(body) ? body : {};
    const reqBody = isPlainObject(req.body) ? req.body : {};
    const param = (k: string): string | undefined => (typeof req.params[k] === 'string' ? req.params[k] : undefined);
    let action = spec.action;
    const details: Rec = {};
    switch (action) {
      case 'pipeline.save':
        action = res.statusCode === 201 ? 'pipeline.create' : 'pipeline.update';
        details['name'] = b['name'];
        details['version'] = b['version'];
        break;
      case 'application.update':
        if (JSON.stringify(authz.previousPermissions ?? null) !== JSON.stringify(b['permissions'] ?? null)) {
          action = 'application.permissions';
          details['before'] = authz.previousPermissions ?? null;
          details['after'] = b['permissions'] ?? null;
        }
        break;
      case 'application.create':
        details['permissions'] = b['permissions'] ?? null;
        break;
      case 'stage.judge':
        if (reqBody['skipRemainingWait'] === true) action = 'stage.skip-wait';
        else {
          details['judgmentStatus'] = reqBody['judgmentStatus'];
          if (reqBody['judgmentInput'] !== undefined) details['judgmentInput'] = reqBody['judgmentInput'];
        }
        break;
      case 'execution.cancel':
        if (typeof reqBody['reason'] === 'string') details['reason'] = reqBody['reason'];
        break;
      case 'token.create':
        details['name'] = b['name'];
        details['roles'] = b['roles'];
        details['kind'] = b['kind'];
        details['expiresAt'] = b['expiresAt'] ?? null;
        break;
      case 'pipeline.restore':
        details['version'] = param('version');
        break;
      default:
        break;
    }
    const stageId = param('stageId');
    if (stageId) details['stageId'] = stageId;
    await this.audit.recordDone({
      actor: principal.name,
      action,
      application: authz.application ?? (typeof b['application'] === 'string' ? b['application'] : typeof b['name'] === 'string' && spec.resourceType === 'application' ? b['name'] : null),
      resourceType: spec.resourceType,
      resourceId: param('id') ?? (typeof b['id'] === 'string' ? b['id'] : null) ?? param('app') ?? (typeof b['name'] === 'string' ? b['name'] : null),
      details,
    });
  }
}

/** A delivery as a reader sees it: only the applications (and their starts and skips) they may read. */
function visibleDelivery(d: Rec, may: (app: unknown) => boolean): Rec | null {
  const apps = Array.isArray(d['applications']) ? (d['applications'] as unknown[]) : [];
  if (apps.length > 0 && !apps.some(may)) return null;
  const keep = (list: unknown): unknown => (Array.isArray(list) ? list.filter((x: Rec) => may(x['application'])) : list);
  return { ...d, applications: apps.filter(may), started: keep(d['started']), skipped: keep(d['skipped']) };
}

import { AccessService, AuditService } from '@gennaker/auth';
import { ANONYMOUS } from '@gennaker/auth-policy';
import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { parseLimit, queryString } from '../http/query.util';

/** The audit log, newest first: admins see every event, others those of applications they may read. */
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get()
  async list(@Query() q: Record<string, unknown>, @Req() req: Request) {
    const principal = req.principal ?? ANONYMOUS;
    const application = queryString(q['application'], 'application');
    if (application !== undefined) await this.access.requireApplication(principal, application, 'READ');
    return this.audit.query({
      actor: queryString(q['actor'], 'actor'),
      action: queryString(q['action'], 'action'),
      application,
      applications: application !== undefined ? null : await this.access.readableApplications(principal),
      limit: parseLimit(q['limit']),
      cursor: queryString(q['cursor'], 'cursor') ?? null,
    });
  }
}

import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';

/** Who the caller is: `{name, roles, admin}` (anonymous while authentication is not required). */
@Controller('api/v1/me')
export class MeController {
  @Get()
  me(@Req() req: Request) {
    const p = req.principal;
    return { name: p?.name ?? 'anonymous', roles: p?.roles ?? [], admin: p?.admin ?? false, kind: p?.kind ?? 'anonymous' };
  }
}

import { TokenService } from '@gennaker/auth';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { userOf } from '../http/auth.guard';
import { parseLimit, queryString } from '../http/query.util';

/**
 * API tokens and service accounts (admin only, see the route-policy table). A token is returned
 * once, by the POST that makes it; lists never show it. A DELETE revokes it for the next request.
 */
@Controller('api/v1/tokens')
export class TokensController {
  constructor(@Inject(TokenService) private readonly tokens: TokenService) {}

  @Post()
  async create(@Body() body: unknown, @Req() req: Request) {
    const { token, view } = await this.tokens.create(this.tokens.parseRequest(body), userOf(req));
    return { ...view, token };
  }

  @Get()
  list(@Query() q: Record<string, unknown>) {
    const sessions = queryString(q['sessions'], 'sessions');
    return this.tokens.list({ limit: parseLimit(q['limit']), cursor: queryString(q['cursor'], 'cursor') ?? null, includeSessions: sessions === 'true' });
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.tokens.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @Req() req: Request): Promise<void> {
    await this.tokens.revoke(id, userOf(req));
  }
}

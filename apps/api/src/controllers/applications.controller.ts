import { ApplicationService, PipelineConfigService } from '@gennaker/configs';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';

@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    @Inject(ApplicationService) private readonly apps: ApplicationService,
    @Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService,
  ) {}

  @Get()
  async list() {
    const items = await this.apps.list();
    return { items, nextCursor: null };
  }

  @Post()
  create(@Body() body: unknown) {
    return this.apps.create(body);
  }

  @Get(':app')
  get(@Param('app') app: string) {
    return this.apps.get(app);
  }

  @Put(':app')
  update(@Param('app') app: string, @Body() body: unknown) {
    return this.apps.update(app, body);
  }

  @Delete(':app')
  @HttpCode(204)
  async delete(@Param('app') app: string): Promise<void> {
    await this.apps.delete(app);
  }

  @Get(':app/pipelines')
  async pipelinesOf(@Param('app') app: string) {
    await this.apps.get(app);
    return this.pipelines.listByApplication(app);
  }
}

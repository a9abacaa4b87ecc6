import { ClustersService } from '@gennaker/cloud-stages';
import { ApplicationService } from '@gennaker/configs';
import { Controller, Get, Inject, Param } from '@nestjs/common';

/** An application's clusters and server groups in every account and region. */
@Controller('api/v1/applications/:app/clusters')
export class ClustersController {
  constructor(
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ApplicationService) private readonly apps: ApplicationService,
  ) {}

  @Get()
  async list(@Param('app') app: string) {
    await this.apps.get(app);
    return this.clusters.list(app);
  }
}

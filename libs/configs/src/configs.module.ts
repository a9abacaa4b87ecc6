import { Module } from '@nestjs/common';
import { ApplicationService } from './application.service';
import { PipelineConfigService } from './pipeline-config.service';

/** Applications and pipeline configs; needs the (global) runtime module for the database and registry. */
@Module({ providers: [ApplicationService, PipelineConfigService], exports: [ApplicationService, PipelineConfigService] })
export class ConfigsModule {}

import 'reflect-metadata';
import { boundHeapGrowth } from '@gennaker/platform';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

export async function bootstrap(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}

if (require.main === module) {
  boundHeapGrowth();
  bootstrap()
    .then(() => console.log(`gennaker worker ${process.pid} started`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

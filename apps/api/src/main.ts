import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { ApiModule } from './app.module';

/** Starts the API: REST under /api/v1, server-sent events, webhooks. Never runs a stage. */
export async function bootstrap(port = Number(process.env['GENNAKER_API_PORT'] ?? 8084)): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bodyParser: false, logger: ['error', 'warn', 'log'] });
  app.disable('x-powered-by');
  // Any content type is read as JSON (curl -d sends form encoding); validation then says what is wrong.
  app.use('/api', json({ limit: '5mb', type: () => true, strict: true }));
  app.enableShutdownHooks();
  await app.listen(port, process.env['GENNAKER_API_HOST'] ?? '0.0.0.0');
  return app;
}

if (require.main === module) {
  bootstrap().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { WorkerModule, type WorkerOptions } from './worker.module.js';

/** Starts a worker in this process (the launcher and `npm run start:worker` both use this). */
export async function bootstrapWorker(options: WorkerOptions): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(options), { bufferLogs: false });
  app.enableShutdownHooks();
  await app.init();
  return app;
}

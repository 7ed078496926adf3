import { INestApplication } from '@nestjs/common';

/**
 * How the server stops on SIGTERM / SIGINT: Nest's shutdown hooks run every module's
 * beforeApplicationShutdown / onApplicationShutdown (live streams, projector, store).
 */
export function installShutdown(app: INestApplication): void {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
}

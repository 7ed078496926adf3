import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { InvalidInput } from '../core/errors';
import { BEARER } from '../access/role.decorator';
import { serveDashboard } from './dashboard';
import { errorBody, ErrorBodyFilter } from './error-body.filter';
import { encodeJsonFast } from './json-body';
import { refuseHostileShapes, requireJsonAndWellFormedUrl, verifyUtf8 } from './strict-input';
import { fieldErrors } from '../validation/check';

/** Everything the HTTP edge needs, shared by main.ts and the end-to-end specs. */
export function setUpHttp(app: NestExpressApplication): INestApplication {
  serveDashboard(app);
  app.use(encodeJsonFast);
  app.use(requireJsonAndWellFormedUrl);
  app.useBodyParser('json', { limit: '1mb', verify: verifyUtf8 });
  app.use(refuseHostileShapes);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new InvalidInput(fieldErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ErrorBodyFilter());
  // Errors raised by the body parser, before any route, get the same body.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const answer = errorBody(error);
    res.status(answer.statusCode).json(answer);
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Crisis ledger')
      .setDescription('Source-attributed crisis events, projections on three clocks, and a verifiable hash chain.')
      .setVersion('0.1.0')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'API key',
          description:
            'An API key from API_KEYS (`key:role`). Each operation names the role it requires in `x-required-role` (`none`: no key needed); ' +
            'a reporter writes, a reader reads, an auditor reads and audits, an admin does everything. With no API_KEYS configured the server is open (loopback only).',
        },
        BEARER,
      )
      .addSecurity('streamToken', {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description: 'A short-lived token from POST /auth/stream-token, carrying the role of the key that asked; accepted by the live routes only',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  return app;
}

import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { jsonParser, refuseDeclaredTooLarge } from './body-limit';
import { InvalidInput } from '../core/errors';
import { BEARER } from '../access/role.decorator';
import { serveDashboard } from './dashboard';
import { errorBody, ErrorBodyFilter } from './error-body.filter';
import { encodeJsonFast } from './json-body';
import { refuseHostileShapes, requireJsonAndWellFormedUrl } from './strict-input';
import { TrafficConfig } from './traffic-config';
import { fieldErrors } from '../validation/check';

/** Everything the HTTP edge needs, shared by main.ts and the end-to-end specs. */
export function setUpHttp(app: NestExpressApplication): INestApplication {
  const traffic = app.get(ConfigService).getOrThrow<LedgerConfig>(LEDGER_CONFIG).traffic;
  boundSlowClients(app.getHttpServer() as Server, traffic);
  app.use(securityHeaders());
  app.use(requireHost);
  if (traffic.corsOrigins.length > 0) enableCors(app, traffic.corsOrigins);
  app.use(refuseDeclaredTooLarge);
  serveDashboard(app);
  app.use(encodeJsonFast);
  app.use(requireJsonAndWellFormedUrl);
  // express.json (1 MiB) behind a cut-off that answers 413 at the limit, never reading a body whole.
  app.use(jsonParser);
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
  declareTooManyRequests(document, traffic);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  return app;
}

/**
 * Helmet's headers, its Content-Security-Policy included: everything from this origin only, which is
 * how the dashboard (public/: one script, one style sheet, EventSource to the same origin) and the
 * OpenAPI UI (/docs: scripts from files, inline styles) are built. No `upgrade-insecure-requests`: the
 * server may well be reached over plain HTTP on a private network, where that would break the page.
 */
const securityHeaders = () =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { upgradeInsecureRequests: null, connectSrc: ["'self'"] },
    },
  });

/** CORS for the origins in CORS_ORIGINS (`*`: any); with none configured no CORS header is sent. */
function enableCors(app: NestExpressApplication, origins: string[]): void {
  app.enableCors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Last-Event-ID', 'Cache-Control'],
    exposedHeaders: ['ETag', 'Retry-After', 'X-Event-Hash', 'X-Event-Position', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  });
}

/**
 * Slow clients (slow-loris): a client has HTTP_HEADERS_TIMEOUT_MS to send its headers and
 * HTTP_REQUEST_TIMEOUT_MS to send its whole request, else Node answers 408 and closes the connection.
 * Node checks these every `connectionsCheckingInterval` (30 s by default), so the check runs at least
 * as often as a quarter of the headers timeout. They bound receiving a request only: a live stream's
 * request is complete once its headers are in, so no stream is ever cut by them.
 */
function boundSlowClients(server: Server, traffic: TrafficConfig): void {
  server.headersTimeout = traffic.headersTimeoutMs;
  server.requestTimeout = traffic.requestTimeoutMs;
  const checking = server as Server & { connectionsCheckingInterval?: number };
  checking.connectionsCheckingInterval = Math.max(50, Math.min(30_000, Math.floor(traffic.headersTimeoutMs / 4)));
  server.on('clientError', answerClientError);
  // Node answers an HTTP/1.1 request without Host with a bare 400; requireHost answers it with the error body.
  (server as Server & { requireHostHeader?: boolean }).requireHostHeader = false;
}

/** RFC 9112: an HTTP/1.1 request without a Host header is 400 (answered here with API.md's error body). */
function requireHost(req: Request, _res: Response, next: NextFunction): void {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    return next(new InvalidInput([{ field: 'Host', message: 'an HTTP/1.1 request must carry a Host header' }]));
  }
  next();
}

/** What Node's HTTP parser refuses before any route sees the request, by its error code. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time (HTTP_HEADERS_TIMEOUT_MS for the headers, HTTP_REQUEST_TIMEOUT_MS for the whole request)'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request line and headers are over 16 KiB'],
};

/**
 * Node's answer to a request its parser refuses (a malformed request line or header, headers over
 * 16 KiB, a client too slow), with API.md's error body instead of Node's bare status line. As Node
 * does: nothing when the connection is gone or an answer was already begun, and the connection closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const message = socket as Duplex & { _httpMessage?: { headersSent?: boolean } };
  if (error.code === 'ECONNRESET' || !socket.writable || message._httpMessage?.headersSent) return void socket.destroy();
  const [statusCode, reason, text] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'The request is not well-formed HTTP/1.1'];
  const body = JSON.stringify({ statusCode, error: reason, message: text });
  socket.end(
    `HTTP/1.1 ${statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Every route that needs a key may answer 429 (the rate limit; on a live route also the open-stream
 * limit), with Retry-After; the health probes never do. Declared here, where the limits are, rather
 * than on each route.
 */
function declareTooManyRequests(document: OpenAPIObject, traffic: TrafficConfig): void {
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method) || typeof operation !== 'object' || operation === null) continue;
      const op = operation as { responses?: Record<string, unknown>; 'x-required-role'?: string; security?: Array<Record<string, unknown>> };
      if (op['x-required-role'] === 'none' || op.responses === undefined) continue;
      const live = (op.security ?? []).some((scheme) => 'streamToken' in scheme);
      op.responses['429'] = {
        description:
          `Too many requests from this client (its API key, or its IP without one): more than RATE_LIMIT_PER_MINUTE (${traffic.ratePerMinute || 'off'}) in a minute` +
          (live ? `, or already LIVE_MAX_PER_CLIENT (${traffic.liveMaxPerClient || 'off'}) live streams open` : ''),
        headers: { 'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      };
    }
  }
}

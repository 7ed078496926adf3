import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger as Pino } from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import { Metrics } from './metrics';
import { levelOf, loggedUrl, requestIdOf } from './request-line';
import { PINO } from './tokens';

type Req = IncomingMessage & { id?: unknown; originalUrl?: string; route?: { path?: unknown } };

/** The fields of a request's log line: one JSON line per request. */
function line(req: Req, res: ServerResponse, durationMs: number): Record<string, unknown> {
  return { method: req.method, url: loggedUrl(req.originalUrl ?? req.url ?? ''), status: res.statusCode, durationMs };
}

/**
 * The first thing every request meets, before Express and every middleware (so that a request refused
 * by the body parser, a guard or the router is logged and counted like any other): it gives the request
 * its id, echoed in X-Request-Id, and when the response is finished (or its connection closed) writes
 * one JSON line and records its duration and status in the metrics. Headers are never logged.
 */
@Injectable()
export class RequestHook implements OnModuleInit {
  private readonly http: HttpLogger<Req, ServerResponse>;

  constructor(private readonly adapter: HttpAdapterHost, private readonly metrics: Metrics, @Inject(PINO) logger: Pino) {
    this.http = pinoHttp<Req, ServerResponse>({
      logger,
      genReqId: requestIdOf,
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customLogLevel: (_req, res) => levelOf(res.statusCode),
      customSuccessMessage: (req, res) => `${req.method} ${loggedUrl(req.originalUrl ?? req.url ?? '')} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${loggedUrl(req.originalUrl ?? req.url ?? '')} ${res.statusCode}`,
      customSuccessObject: (req, res, value) => line(req, res, (value as { responseTime: number }).responseTime),
      // No stack on the request's line: pino-http makes a placeholder error for any 5xx; a real 5xx's stack is logged where it is caught.
      customErrorObject: (req, res, _error, value) => line(req, res, (value as { responseTime: number }).responseTime),
    });
  }

  onModuleInit(): void {
    const server = this.adapter.httpAdapter?.getHttpServer() as Server | undefined;
    server?.prependListener('request', (req: Req, res: ServerResponse) => this.handle(req, res));
  }

  private handle(req: Req, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    this.http(req, res);
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      const route = typeof req.route?.path === 'string' ? req.route.path : '(unmatched)';
      this.metrics.requestDone(req.method ?? 'GET', route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', finished);
    res.once('close', finished);
  }
}

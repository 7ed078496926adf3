import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { LIVE_KEY } from '../access/role.decorator';
import { ClientIdentity } from './client-identity';

export const LIVE_MAX_PER_CLIENT = 'LIVE_MAX_PER_CLIENT';

/** 429 for a client that already holds as many live streams as it may. */
export class TooManyLiveStreams extends HttpException {
  constructor(max: number) {
    super(
      `Too many open live streams: this client (its API key, or its IP without one) already holds ${max}, the most it may (LIVE_MAX_PER_CLIENT); close one before opening another`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Bounds the live (Server-Sent Events) streams one client holds open at once, counted per API key or
 * per IP (ClientIdentity). A stream counts from the moment its request passes this guard until its
 * connection closes, whatever the route then answers (a 401 or a 404 frees its place at once).
 */
@Injectable()
export class LiveConnectionsGuard implements CanActivate {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    private readonly identity: ClientIdentity,
    @Inject(LIVE_MAX_PER_CLIENT) private readonly max: number,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.max === 0 || context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(LIVE_KEY, [context.getHandler(), context.getClass()]) !== true) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const client = this.identity.of(req);
    const held = this.open.get(client) ?? 0;
    if (held >= this.max) {
      res.setHeader('Retry-After', '5');
      throw new TooManyLiveStreams(this.max);
    }
    this.open.set(client, held + 1);
    let released = false;
    res.once('close', () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left > 0) this.open.set(client, left);
      else this.open.delete(client);
    });
    return true;
  }

  /** Streams open now, per client (for tests and metrics). */
  held(client: string): number {
    return this.open.get(client) ?? 0;
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from '../access/role.decorator';
import { Answers } from '../http/api-responses';
import { Metrics } from './metrics';

/**
 * GET /metrics, Prometheus's text format. The reader role: the least role that reads anything, so a
 * scrape configuration holds a key that can change nothing (never an admin key); open in local mode.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Role('reader')
  @ApiOperation({ summary: 'Prometheus metrics: appends, append latency, projection lag, live clients, rejected requests, request durations, the Node process' })
  @ApiOkResponse({ description: 'The text exposition format, version 0.0.4', content: { 'text/plain': {} } })
  @Answers(400, 500)
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.text();
    const body = Buffer.from(text, 'utf8');
    // Written as is: the content type exactly as Prometheus's format names it, and never a 304.
    res.status(200).setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Content-Length', body.length);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  }
}

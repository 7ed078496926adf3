import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from '../access/role.decorator';
import { Metrics } from './metrics';

/**
 * GET /metrics, Prometheus's text format. The reader role: the least role that reads anything, so a
 * scrape configuration holds a key that can change nothing (never an admin key); open in local mode.
 * Kept out of the OpenAPI document: it is for the scraper, not the API's clients.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Role('reader')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.text();
    res.status(200).setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    // A Buffer, so that Express leaves the content type exactly as Prometheus's format names it.
    res.send(Buffer.from(text, 'utf8'));
  }
}

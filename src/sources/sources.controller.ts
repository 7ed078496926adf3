import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EventStore } from '../core/event-store/event-store';
import { NotFound } from '../core/errors';
import { isDateOnly, toUtc } from '../core/time';
import { Register, SOURCES_STREAM } from '../register/register';
import { registerOnce } from '../register/registration';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { RegisterSource, Source } from './source';

export const normaliseSource = (body: RegisterSource): Source => ({
  ...body,
  publishedAt: isDateOnly(body.publishedAt) ? `${body.publishedAt}T00:00:00.000Z` : toUtc(body.publishedAt),
});

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly register: Register) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a source (201; 200 for the same body again; 409 for the same id with another body)' })
  async create(@Body() body: RegisterSource, @Res({ passthrough: true }) res: Response): Promise<Source> {
    const { created, entity } = await registerOnce(this.store, this.register, SOURCES_STREAM, 'SourceRegistered', normaliseSource(body));
    res.status(created ? 201 : 200);
    return entity;
  }

  @Get()
  list(): { sources: Array<Omit<Source, 'text'> & { hasText: boolean }> } {
    return { sources: this.register.allSources().map(({ text, ...rest }) => ({ ...rest, hasText: text !== undefined })) };
  }

  @Get(':id')
  one(@Param('id') id: string): Source {
    const source = this.register.source(id);
    if (!source) throw new NotFound(`No source ${id}`);
    return source;
  }
}

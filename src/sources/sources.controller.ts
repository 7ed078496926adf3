import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EventStore } from '../core/event-store/event-store';
import { NotFound } from '../core/errors';
import { Answers, ETAG_HEADER, NotModified } from '../http/api-responses';
import { Register, SOURCES_STREAM } from '../register/register';
import { registerOnce } from '../register/registration';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { normaliseSource, RegisterSource, Source } from './source';
import { SourceBody, SourceSummaryBody } from './source.responses';
import { Role } from '../access/role.decorator';


export class SourceListBody {
  @ApiProperty({ type: () => [SourceSummaryBody] }) sources: SourceSummaryBody[];
}

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, private readonly register: Register) {}

  @Post()
  @Role('reporter')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a source (201; 200 for the same body again; 409 for the same id with another body)' })
  @ApiCreatedResponse({ type: SourceBody, description: 'Registered' })
  @ApiOkResponse({ type: SourceBody, description: 'The same body again: already registered, nothing stored' })
  @Answers(400, [409, 'The same id was registered with another body'], 413, 415, 500)
  async create(@Body() body: RegisterSource, @Res({ passthrough: true }) res: Response): Promise<Source> {
    const { created, entity } = await registerOnce(this.store, this.register, SOURCES_STREAM, 'SourceRegistered', normaliseSource(body));
    res.status(created ? 201 : 200);
    return entity;
  }

  @Get()
  @Role('reader')
  @ApiOkResponse({ type: SourceListBody, headers: ETAG_HEADER() })
  @NotModified()
  @Answers(400, 500)
  list(): { sources: Array<Omit<Source, 'text'> & { hasText: boolean }> } {
    return { sources: this.register.allSources().map(({ text, ...rest }) => ({ ...rest, hasText: text !== undefined })) };
  }

  @Get(':id')
  @Role('reader')
  @ApiOkResponse({ type: SourceBody, headers: ETAG_HEADER() })
  @NotModified()
  @Answers(400, [404, 'Unknown source'], 500)
  one(@Param('id') id: string): Source {
    const source = this.register.source(id);
    if (!source) throw new NotFound(`No source ${id}`);
    return source;
  }
}

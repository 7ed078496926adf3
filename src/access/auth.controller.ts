import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Answers } from '../http/api-responses';
import { AccessRequest } from './access.guard';
import { StreamTokens } from './keys';
import { Role } from './role.decorator';

export class StreamTokenBody {
  @ApiProperty({ description: 'Pass as ?token= to a live route (…/live, /events/live); accepted nowhere else' })
  token: string;
  @ApiProperty({ format: 'date-time', description: 'When the token stops being accepted (a stream opened before then stays open)' })
  expiresAt: string;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(StreamTokens) private readonly tokens: StreamTokens) {}

  @Post('stream-token')
  @HttpCode(200)
  @Role('reader')
  @ApiOperation({
    summary: 'A short-lived token for the live streams, since EventSource cannot send headers; it carries the role of the key that asked',
  })
  @ApiOkResponse({ type: StreamTokenBody })
  @Answers(400, 413, 415, 500)
  streamToken(@Req() req: AccessRequest): StreamTokenBody {
    return this.tokens.issue(req.access?.role ?? 'admin');
  }
}

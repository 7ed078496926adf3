import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The shapes the sources routes answer, for the OpenAPI document.

/** A registered source, as answered. */
export class SourceBody {
  @ApiProperty() id: string;
  @ApiProperty() publisher: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time', description: 'In UTC; a date-only value is read as midnight UTC' }) publishedAt: string;
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional({ description: 'A BCP 47 language tag' }) language?: string;
  @ApiPropertyOptional({ description: 'The full text, when it was given' }) text?: string;
}

/** A source in the list: without its text, saying whether it has one. */
export class SourceSummaryBody {
  @ApiProperty() id: string;
  @ApiProperty() publisher: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() language?: string;
  @ApiProperty() hasText: boolean;
}

import { stringify, Stringifier } from 'csv-stringify';
import { Transform } from 'node:stream';
import { COLUMNS, ExportRow, featureOf } from './rows';

const CHUNK = 64 * 1024;

/**
 * Joins small pieces of text into chunks of about 64 KiB before they are written, so that a row is not
 * a write (and a packet) of its own; it holds at most one chunk.
 */
export const coalesced = (): Transform => {
  let pending: string[] = [];
  let size = 0;
  return new Transform({
    writableObjectMode: true,
    transform(piece: Buffer | string, _encoding, done) {
      const s = typeof piece === 'string' ? piece : piece.toString('utf8');
      pending.push(s);
      size += s.length;
      if (size >= CHUNK) {
        this.push(pending.join(''), 'utf8');
        pending = [];
        size = 0;
      }
      done();
    },
    flush(done) {
      if (size > 0) this.push(pending.join(''), 'utf8');
      done();
    },
  });
};

/**
 * RFC 4180 text from rows written to it: a header row, then one record per row, CRLF after each; a
 * field holding a comma, a quote or a line break is quoted (quotes doubled); null is an empty field,
 * booleans are `true` / `false`. Written as they are (no guard against spreadsheet formulas).
 */
export const csvStringifier = (): Stringifier =>
  stringify({
    header: true,
    columns: COLUMNS.map((key) => ({ key })),
    record_delimiter: 'windows',
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });

/** A FeatureCollection in pieces, feature by feature: the rows with both coordinates as Point features. */
export function* geojsonOf(rows: Iterable<ExportRow>): Generator<string> {
  yield '{"type":"FeatureCollection","features":[';
  let first = true;
  for (const row of rows) {
    const feature = featureOf(row);
    if (!feature) continue;
    yield (first ? '' : ',') + JSON.stringify(feature);
    first = false;
  }
  yield ']}\n';
}

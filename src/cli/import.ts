import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { readDataSet } from '../datasets/data-set';
import { Importer } from '../datasets/importer';
import { errorBody } from '../http/error-body.filter';

// npm run import -- <data set name | folder | file.json> [...]: the same validation and rules as the API.
// Run it while the server is stopped (or post to the API): a running server does not see another process's appends.
async function main(names: string[]): Promise<void> {
  if (names.length === 0) {
    console.error('usage: npm run import -- <data set under events/ | folder | file.json> [...]');
    process.exit(2);
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ DATASETS: 'none' }), { logger: ['error', 'warn'] });
  let failed = false;
  for (const name of names) {
    try {
      const report = await app.get(Importer).importDataSet(readDataSet(name));
      console.log(`${name}: incident ${report.incidentId}, ${report.sources} sources, ${report.events} events, ${report.stored} newly stored`);
    } catch (error) {
      failed = true;
      const body = errorBody(error);
      console.error(`${name}: refused (${body.statusCode === 500 ? (error as Error).message : body.message})`);
      for (const d of body.details ?? []) console.error(`  ${d.field}: ${d.message}`);
    }
  }
  await app.close();
  process.exit(failed ? 1 : 0);
}

void main(process.argv.slice(2));

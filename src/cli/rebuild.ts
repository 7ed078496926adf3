import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { AppModule } from '../app.module';
import { Projector } from '../core/projections/projector';

// npm run rebuild: drops every projection and folds the whole log again, with a progress bar.
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ DATASETS: 'none' }), { logger: ['error', 'warn'] });
  const bar = new SingleBar({ format: 'rebuild [{bar}] {percentage}% | {value}/{total} events | {duration}s' }, Presets.shades_classic);
  const started = Date.now();
  let begun = false;
  const position = await app.get(Projector).rebuild((done, total) => {
    if (!begun) { bar.start(total, 0); begun = true; }
    bar.update(done);
  });
  if (begun) bar.stop();
  console.log(`Rebuilt every projection up to position ${position} in ${Date.now() - started} ms`);
  await app.close();
}

void main();

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, LEDGER_CONFIG } from '../config';
import { EventStore } from '../core/event-store/event-store';
import { IdempotencyConflict, InvalidInput } from '../core/errors';
import { validatePlain } from '../validation/check';
import { RegisterIncident } from '../incidents/incident';
import { IncidentLog } from '../incidents/incident-log';
import { MAX_BATCH } from '../incidents/payloads/envelope';
import { Register, SOURCES_STREAM } from '../register/register';
import { registerOnce } from '../register/registration';
import { normaliseSource, RegisterSource } from '../sources/source';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { DataSet, readDataSet } from './data-set';

export interface ImportReport {
  dataSet: string;
  incidentId: string;
  sources: number;
  events: number;
  stored: number;
}

/** Loads data sets through the same validation and rules as the API; loading twice stores nothing new. */
@Injectable()
export class Importer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Importer');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly log: IncidentLog,
    private readonly register: Register,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const name of this.config.getOrThrow<LedgerConfig>(LEDGER_CONFIG).datasets) {
      try {
        const report = await this.importDataSet(readDataSet(name));
        this.logger.log(`Data set ${name}: ${report.sources} sources, ${report.events} events (${report.stored} newly stored) in ${report.incidentId}`);
      } catch (error) {
        // The log is never rewritten: a store that holds an earlier edition of a data set keeps it, and says so.
        if (!(error instanceof IdempotencyConflict)) throw error;
        this.logger.error(
          `Data set ${name} was not loaded: this DATA_DIR holds an earlier edition of it (${error.message}). ` +
            'Stored events are never changed; start on an empty DATA_DIR to load this edition.',
        );
      }
    }
  }

  async importDataSet(dataSet: DataSet): Promise<ImportReport> {
    for (const [i, source] of dataSet.sources.entries()) {
      const errors = validatePlain(RegisterSource, source, `sources.${i}`);
      if (errors.length > 0) throw new InvalidInput(errors, `Data set ${dataSet.name}: invalid source`);
      await registerOnce(this.store, this.register, SOURCES_STREAM, 'SourceRegistered', normaliseSource(source as unknown as RegisterSource));
    }
    const errors = validatePlain(RegisterIncident, dataSet.incident, 'incident');
    if (errors.length > 0) throw new InvalidInput(errors, `Data set ${dataSet.name}: invalid incident`);
    const { entity: incident } = await this.log.registerIncident(dataSet.incident as unknown as RegisterIncident);
    let stored = 0;
    for (let from = 0; from < dataSet.events.length; from += MAX_BATCH) {
      const { created, answer } = await this.log.report(incident.id, { events: dataSet.events.slice(from, from + MAX_BATCH) });
      if (created) stored += answer.events.filter((e) => e.existing !== true).length;
    }
    return { dataSet: dataSet.name, incidentId: incident.id, sources: dataSet.sources.length, events: dataSet.events.length, stored };
  }
}

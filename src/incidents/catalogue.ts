import 'reflect-metadata';
import { ClassConstructor } from 'class-transformer';
import { EventType } from '../core/events';
import { CasualtiesReported } from './payloads/casualties';
import { AssistanceRequested, DeploymentAuthorized, TroopsDeployed, TroopsWithdrawn } from './payloads/deployment';
import { ClaimCorrected, ClaimRetracted } from './payloads/knowledge';
import {
  FacilityControlChanged, GovernmentChanged, MeasureImposed, MeasureLifted, OfficialStatusChanged, ProtestReported, StatementMade,
} from './payloads/unrest';

/** Rewrites a payload of one schema version into the next. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventKind {
  schemaVersion: number;
  payload: ClassConstructor<object>;
  /** upcasters[v] turns version v into v + 1. */
  upcasters: Record<number, Upcaster>;
}

const v1 = (payload: ClassConstructor<object>): EventKind => ({ schemaVersion: 1, payload, upcasters: {} });

/** Every type of EVENTS.md's catalogue, its payload class and its schema version. */
export const CATALOGUE: Record<EventType, EventKind> = {
  ProtestReported: v1(ProtestReported),
  MeasureImposed: v1(MeasureImposed),
  MeasureLifted: v1(MeasureLifted),
  GovernmentChanged: v1(GovernmentChanged),
  OfficialStatusChanged: v1(OfficialStatusChanged),
  AssistanceRequested: v1(AssistanceRequested),
  DeploymentAuthorized: v1(DeploymentAuthorized),
  TroopsDeployed: v1(TroopsDeployed),
  TroopsWithdrawn: v1(TroopsWithdrawn),
  FacilityControlChanged: v1(FacilityControlChanged),
  CasualtiesReported: v1(CasualtiesReported),
  StatementMade: v1(StatementMade),
  ClaimRetracted: v1(ClaimRetracted),
  ClaimCorrected: v1(ClaimCorrected),
};

export const isEventType = (type: unknown): type is EventType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(CATALOGUE, type);

/** Brings a payload read from the log up to the current schema version of its type. */
export function upcast(type: EventType, version: number, data: Record<string, unknown>): Record<string, unknown> {
  const kind = CATALOGUE[type];
  let current = data;
  for (let v = version; v < kind.schemaVersion; v++) {
    const step = kind.upcasters[v];
    if (!step) throw new Error(`No upcaster for ${type} from schema version ${v}`);
    current = step(current);
  }
  return current;
}

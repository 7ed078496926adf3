import { Measure, Payloads } from '../core/events';
import { Fact } from './facts';
import { inWords } from './figures';

const MEASURES: Record<Measure, string> = {
  state_of_emergency: 'State of emergency',
  curfew: 'Curfew',
  internet_shutdown: 'Internet shutdown',
  market_suspension: 'Market suspension',
  flight_suspension: 'Flight suspension',
  price_control: 'Price control',
  other: 'Measure',
};

const GROUPS: Record<Payloads['CasualtiesReported']['group'], string> = {
  security_forces: 'security forces',
  protesters: 'protesters',
  civilians: 'civilians',
  unspecified: 'people',
};

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const attribution = (f: Fact): string => (f.source.attributedTo ? ` (${f.source.attributedTo})` : '');
const scoped = (scope: string | undefined): string => ` (${scope ?? 'nationwide'})`;
const troops = (d: { contributor?: string; force?: string }): string =>
  d.contributor && d.force ? `${d.contributor} troops (${d.force})` : `${d.contributor ?? d.force} troops`;

/**
 * A one-line summary of an event as it was reported (its own payload, not as later corrected: the
 * correction has a line of its own). It reads nothing but the event, so it is the same under any filters.
 */
export const summaryOf = (f: Fact): string => {
  switch (f.type) {
    case 'ProtestReported':
      return `Protest: ${f.data.description}${f.data.participants ? `, ${inWords(f.data.participants)} taking part` : ''}`;
    case 'MeasureImposed':
      return `${MEASURES[f.data.measure]} imposed${scoped(f.data.scope)}`;
    case 'MeasureLifted':
      return `${MEASURES[f.data.measure]} lifted${scoped(f.data.scope)}`;
    case 'GovernmentChanged':
      return `${f.data.body}: ${f.data.change}`;
    case 'OfficialStatusChanged':
      return `${f.data.person}${f.data.role ? ` (${f.data.role})` : ''}: ${f.data.change}`;
    case 'AssistanceRequested':
      return `${f.data.requestedBy} asked ${f.data.requestedFrom} for assistance`;
    case 'DeploymentAuthorized':
      return `${f.data.authority} authorized a deployment${f.data.contributors?.length ? ` of ${f.data.contributors.join(', ')}` : ''}`;
    case 'TroopsDeployed':
      return `${troops(f.data)} ${f.data.status}${f.data.strength ? `: ${inWords(f.data.strength)}` : ''}${attribution(f)}`;
    case 'TroopsWithdrawn':
      return `${troops(f.data)} ${f.data.completed ? 'withdrawn' : 'withdrawing'}${f.data.strength ? `: ${inWords(f.data.strength)} remain` : ''}${attribution(f)}`;
    case 'FacilityControlChanged':
      return `${f.data.facility} taken by ${f.data.controlledBy}${f.data.previousController ? ` from ${f.data.previousController}` : ''}`;
    case 'CasualtiesReported':
      return `${capitalised(f.data.category)} ${GROUPS[f.data.group]}${f.data.scope && f.data.scope !== 'nationwide' ? ` in ${f.data.scope}` : ''}: ${inWords(f.data.figure)}${attribution(f)}`;
    case 'StatementMade':
      return `${f.data.speaker}: ${f.data.summary}`;
    case 'ClaimRetracted':
      return `Claim retracted${f.data.reason ? `: ${f.data.reason}` : ''}`;
    case 'ClaimCorrected': {
      const changes = [
        ...(f.data.figure ? [`figure ${inWords(f.data.figure)}`] : []),
        ...Object.entries(f.data.data ?? {}).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      ];
      return `Claim corrected${changes.length ? `: ${changes.join(', ')}` : ''}`;
    }
    default: {
      const _never: never = f;
      throw new Error(`Unknown event type ${(_never as Fact).type}`);
    }
  }
};

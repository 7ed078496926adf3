// A naive reference implementation of the projection rules of EVENTS.md ("Projection rules", "Claims",
// "The projections"), written from the spec's text as directly as possible, as an oracle for the property
// specs. It shares no code with src/ (it imports nothing from
// there), and is deliberately simple (quadratic loops,
// everything recomputed from the whole list of events for each question). Where the spec leaves a detail
// open, the choice is written next to it ("Reading:").

export * from './reference/types';
export { referenceCasualties } from './reference/casualties';
export { referenceTroops } from './reference/troops';
export { referenceSituation } from './reference/situation';
export { referenceTimeline, referenceLedger } from './reference/lists';

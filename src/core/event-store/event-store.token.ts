/** The injection token of the EventStore port: one adapter per process, chosen by configuration. */
export const EVENT_STORE = Symbol('EventStore');

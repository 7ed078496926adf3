/** The application's pino logger: JSON lines to standard output, or to LOG_FILE. */
export const PINO = 'ledger:pino';
/** Its destination when LOG_FILE is set (closed at shutdown), else null. */
export const LOG_DESTINATION = 'ledger:log-destination';

import { failureFields, type Logger } from './log'

/**
 * The last line of defence of a relay process: an exception nothing caught (a bug in a timer or
 * socket callback of one request) is logged and the process keeps serving everyone else. Node's
 * default would end the process, and with it every open stream. Each request's own code paths
 * still catch their errors; this only keeps a missed one from becoming an outage.
 */
export function guardProcess(log: Logger): void {
  process.on('uncaughtException', (error) => log.error('uncaught exception', failureFields(error)))
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', failureFields(reason)))
}

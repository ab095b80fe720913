import { CodedError } from '../errors.js';

/**
 * The gateway failing to start: its listening socket refused (`app.port_in_use`,
 * `app.port_denied`, `app.host_unavailable`, `app.listen_failed`), or its start steps composed
 * in the wrong order (`app.step_order`: a step needs what an earlier step leaves, a bug).
 */
export type AppErrorCode =
  | 'app.port_in_use'
  | 'app.port_denied'
  | 'app.host_unavailable'
  | 'app.listen_failed'
  | 'app.step_order';

export class AppError extends CodedError<AppErrorCode> {}

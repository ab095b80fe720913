import { GatewayError } from './errors.js';

/**
 * The files shipped beside the code cannot be found: `paths.root_not_found`, no folder above
 * the running code holds package.json (an install without it, or code copied out of it).
 */
export type PathsErrorCode = 'paths.root_not_found';

export class PathsError extends GatewayError {
  declare readonly code: PathsErrorCode;

  constructor(code: PathsErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Who an API token speaks for. `auditor` reads everything (the audit log included) and
 * changes nothing; `operator` may also act. The HTTP layer (src/http/api-actor.ts) checks
 * these roles on each route; the tokens capability issues and stores them.
 */
export type Role = 'operator' | 'auditor';

export interface ApiActor {
  kind: 'token';
  /** The token's name, as `tokens create --name` gave it: what audit entries record. */
  name: string;
  role: Role;
}

import type { ApiActor, Role } from '../../src/http/api-actor.js';
import { GatewayError } from '../../src/errors.js';
import type { TokenService } from '../../src/tokens/token-service.js';

/**
 * A stand-in for the token service behind the real bearer-token middleware, for route tests
 * that are not about tokens: the bearer token `NAME/ROLE` authenticates as that name and
 * role; none is auth.missing, any other shape auth.invalid, as the real service answers.
 */
export function fakeTokens(): Pick<TokenService, 'authenticate'> {
  return {
    async authenticate(token) {
      if (token === undefined || token === '') throw new GatewayError('auth.missing', 'no bearer token', { status: 401 });
      const [name, role] = token.split('/');
      if (!name || (role !== 'operator' && role !== 'auditor')) throw new GatewayError('auth.invalid', 'not a test token', { status: 401 });
      return { kind: 'token', name, role: role as Role } satisfies ApiActor;
    },
  };
}

/** The Authorization header fakeTokens() reads as NAME with ROLE. */
export const bearerFor = (name: string, role: Role): Record<string, string> => ({ authorization: `Bearer ${name}/${role}` });

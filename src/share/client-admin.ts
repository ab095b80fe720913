import type { Queryable } from '../db/db.js';
import { createClientStore, type ClientRow, type NewGrant } from './client-store.js';
import { hashSecret, newSecret } from './client-credentials.js';
import { ShareError } from './share-error.js';

/**
 * Managing clients and grants (the `clients` command): a new client's secret is returned once
 * and kept only hashed; grants and clients are revoked, never deleted, so the audit trail can
 * always name what allowed an access.
 */
export function createClientAdmin(db: Queryable) {
  const store = createClientStore(db);
  const unknown = (code: string) => new ShareError('share.client_unknown', `no client ${code}`);

  return {
    /** The new client's secret, to be shown once. */
    async add(agencyCode: string, name: string): Promise<string> {
      const secret = newSecret();
      if (!(await store.addClient(agencyCode, name, hashSecret(secret)))) {
        throw new ShareError('share.client_exists', `client ${agencyCode} exists already (revoke it and add another code, or keep using it)`);
      }
      return secret;
    },

    async grant(agencyCode: string, grant: NewGrant): Promise<string> {
      const known = (await store.listClients()).find((c) => c.agencyCode === agencyCode);
      if (!known) throw unknown(agencyCode);
      if (known.revokedAt) throw new ShareError('share.client_revoked', `client ${agencyCode} is revoked`);
      return store.addGrant(agencyCode, grant);
    },

    async revoke(agencyCode: string, grantId?: string): Promise<void> {
      if (!(await store.revoke(agencyCode, grantId))) {
        throw new ShareError('share.nothing_to_revoke', grantId === undefined
          ? `no client ${agencyCode} in force`
          : `no grant ${grantId} of client ${agencyCode} in force`);
      }
    },

    list(): Promise<ClientRow[]> {
      return store.listClients();
    },
  };
}

import type { CheckpointTrust } from '../../src/audit/audit-checkpoint.js';
import type { AuditEntryInput } from '../../src/audit/audit-entry.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { createCmsSigner, type CmsSigner } from '../../src/signing/cms-signer.js';
import { freshDatabase, type Backend, type TestDatabase } from '../setup/databases.js';
import { identityOf, makeCa, makeLeaf, PROVINCE } from '../signing/pki-fixture.js';

/**
 * What the audit tests share: a migrated store on either back end, the province's signer from
 * a throw-away CA, the trust that verifies its checkpoints, and entries that look like the
 * sharing endpoint's.
 */
export interface AuditPki {
  signer: CmsSigner;
  trust: CheckpointTrust;
  certificatePem: string;
}

/** `other` gives a CA with another name and key, which must not verify the first one's checkpoints. */
export function auditPki(other = false): AuditPki {
  const ca = other ? makeCa('Other Test CA', 11) : makeCa('Audit Test CA');
  const leaf = makeLeaf(ca, { ou: PROVINCE });
  return {
    signer: createCmsSigner(identityOf(leaf)),
    trust: { trustAnchors: [ca.certificate], sender: PROVINCE },
    certificatePem: ca.certificate.toString(),
  };
}

export async function migratedStore(backend: Backend): Promise<TestDatabase> {
  const t = await freshDatabase(backend);
  await migrate(t.db);
  return t;
}

/**
 * A fresh migrated store for each test of the calling suite (call it inside a `describe`),
 * dropped after the test: what the returned object names is the current test's store.
 */
export function storePerTest(backend: Backend): TestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async function () {
    current = await migratedStore(backend);
  });
  afterEach(async function () {
    await current?.drop();
    current = undefined;
  });
  const now = (): TestDatabase => {
    if (!current) throw new Error('storePerTest: the store exists only while a test runs');
    return current;
  };
  return {
    backend,
    get url() { return now().url; },
    get db() { return now().db; },
    drop: () => now().drop(),
  };
}

/** Person i's số định danh: 12 digits. */
export const person = (i: number): string => `0261850${String(i).padStart(5, '0')}`;

export function shareRead(i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: { kind: 'client', name: i % 2 === 0 ? '000.00.00.G12' : '000.00.00.G15' },
    action: 'share.official.read',
    people: [person(i % 50)],
    fieldGroups: ['basic', 'employment'],
    purpose: 'Xác minh thuế thu nhập cá nhân',
    outcome: 'ok',
    requestId: `req-${i}`,
    ...overrides,
  };
}

/**
 * PGlite's socket server drops the connection on the statement that follows an error (seen
 * with a plain `SELECT 1/0` too); the pool reconnects on the next. One throw-away statement
 * keeps the assertions about the statements under test.
 */
export async function settleAfterError(db: Db): Promise<void> {
  await db.query('SELECT 1').catch(() => undefined);
}

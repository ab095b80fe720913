import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { DemoVendorName } from '../demo/demo-vendors.js';
import type { OpenedDatabase } from './databases.js';

/**
 * The embedded default's provincial database: whichever command opens it first (start, sync,
 * map...) gives it DEMO_VENDOR's schema (qlcb with its sample, or nhansu) and DEMO_PEOPLE
 * generated people, so the gateway has real data to map and sync. A configured SOURCE_DATABASE_URL is the province's
 * own database and is never written here. Returns whether `source` is the embedded demo.
 */
export async function ensureDemoProvince(source: OpenedDatabase, config: Config, logger: Logger): Promise<boolean> {
  if (!source.embedded) return false;
  await seed(source, config.demoVendor, 0, config, logger);
  return true;
}

/**
 * The rehearsal's second demo database (DEMO_SOURCES=2), seeded on first use like the first:
 * the other vendor's schema and DEMO_PEOPLE people made from the same seed, starting halfway
 * through the first database's: the first's second half is in both databases (the same people,
 * approved in both: conflicts), and the second half of these is its own. `vendor` is the
 * source's name (config.ts names it after its vendor).
 */
export async function ensureRehearsalSource(source: OpenedDatabase, vendor: string, config: Config, logger: Logger): Promise<void> {
  if (!source.embedded || config.demoSources !== 2) return;
  await seed(source, vendor as DemoVendorName, Math.ceil(config.demoPeople / 2), config, logger);
}

async function seed(source: OpenedDatabase, name: DemoVendorName, first: number, config: Config, logger: Logger): Promise<void> {
  // The generator is imported only for the embedded demo, never for a province's own database.
  const { DEMO_VENDORS } = await import('../demo/demo-vendors.js');
  const vendor = DEMO_VENDORS[name];
  const installed = await vendor.install(source.db, true);
  if (installed.schemaCreated && config.demoPeople > 0) {
    logger.info('generating demo people', { people: config.demoPeople, vendor: name, ...(first > 0 ? { first } : {}) });
    await vendor.generate(source.db, { people: config.demoPeople, first, concurrency: 1 });
  }
}

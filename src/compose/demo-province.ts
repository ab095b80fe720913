import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { OpenedDatabase } from './databases.js';

/**
 * The embedded default's provincial database: whichever command opens it first (start, sync,
 * map...) gives it DEMO_VENDOR's schema (qlcb with its sample, or nhansu) and DEMO_PEOPLE
 * generated people, so the gateway has real data to map and sync. A configured SOURCE_DATABASE_URL is the province's
 * own database and is never written here. Returns whether `source` is the embedded demo.
 */
export async function ensureDemoProvince(source: OpenedDatabase, config: Config, logger: Logger): Promise<boolean> {
  if (!source.embedded) return false;
  // The generator is imported only for the embedded demo, never for a province's own database.
  const { DEMO_VENDORS } = await import('../demo/demo-vendors.js');
  const vendor = DEMO_VENDORS[config.demoVendor];
  const installed = await vendor.install(source.db, true);
  if (installed.schemaCreated && config.demoPeople > 0) {
    logger.info('generating demo people', { people: config.demoPeople, vendor: config.demoVendor });
    await vendor.generate(source.db, { people: config.demoPeople, concurrency: 1 });
  }
  return true;
}

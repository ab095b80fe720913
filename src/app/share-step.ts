import { nationalContract } from '../contract/national-contract.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import { loadEffectiveMapping } from '../mapping/mapping-loader.js';
import { fieldPlan } from '../share/field-filter.js';
import { scheduleRefresh } from '../share/refresh-schedule.js';
import { shareOpenApi } from '../share/share-openapi.js';
import { shareRouter } from '../share/share-router.js';
import { createShareAccess } from '../share/share-access.js';
import { shareFastPath } from '../share/share-fast-path.js';
import { createShareService } from '../share/share-service.js';
import type { StartStep } from './gateway.js';

/** How often the served records take in newly accepted ones (docs/decisions/sharing.md). */
export const SHARE_REFRESH_MS = 30_000;

/**
 * Sharing with other agencies: /share/oauth2/token and /share/v1 (src/share), and the refresh
 * of the records they serve, once now and every 30 s. Without an audit log nothing is served:
 * every access to personal data must leave a trace (Luật 91/2025/QH15).
 */
export const shareStep: StartStep = async (ctx) => {
  const contract = nationalContract();
  const codec = createPayloadCodec(contract);
  // The unit tree grants cover is where the mapping says (its `units`), in the vendor's database;
  // so is the person filter, which sharing honours like every other read of persons.
  const { units, source } = loadEffectiveMapping(ctx.config, contract);
  // A merged province's sources each bring their own tree and filter, joined under the province's root.
  const handles = ctx.services.sourceHandles;
  // On the embedded databases a refresh and a sync take turns (src/sync/sync-lock.ts).
  const turns = ctx.services.syncTurns;
  const schedule = scheduleRefresh({
    db: ctx.store.db, codec, source: ctx.source.db, units, persons: source.persons, logger: ctx.logger,
    ...(handles ? { merged: { sources: handles, provinceRoot: ctx.config.senderCode } } : {}),
    ...(turns ? { turns } : {}),
  }, SHARE_REFRESH_MS);
  ctx.onStop(() => schedule.stop());
  ctx.services.firstShareRefresh = schedule.runNow();

  const { audit, signer } = ctx.services;
  if (!audit || !signer) {
    ctx.logger.warn('sharing routes not mounted: no audit log (or signer) in this build', { audit: Boolean(audit), signer: Boolean(signer) });
    ctx.summary.push('sharing:     not served (no audit log); shared records refreshed every 30 s');
    return;
  }
  const plan = fieldPlan(contract.schemas.official);
  const service = createShareService({ db: ctx.store.db, plan, statisticsMinCell: ctx.config.shareStatisticsMinCell });
  const access = createShareAccess({ service, audit, logger: ctx.logger });
  ctx.routers.push(shareRouter({ service, audit, signer, logger: ctx.logger, access }));
  // The sharing read, when plain, is answered before express: the same access, decision and answer.
  ctx.fastRoutes?.push(shareFastPath({ access, service, signer, logger: ctx.logger }));
  ctx.openApi.push(shareOpenApi);
  ctx.summary.push('sharing:     /share/oauth2/token, /share/v1 (shared records refreshed every 30 s)');
};

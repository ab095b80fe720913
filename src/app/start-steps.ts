import type { StartStep } from './gateway.js';
import { auditStep } from './audit-step.js';
import { demoProvinceStep } from './demo-province-step.js';
import { shareStep } from './share-step.js';
import { opsStep } from './ops-step.js';
import { signingStep } from './signing-step.js';
import { syncStep } from './sync-step.js';
import { transferStep } from './transfer-step.js';

/**
 * What `csdl-gateway start` does beyond databases and HTTP, in order. Each capability adds
 * its step here: the signing key (or the development PKI), the demo provincial data, and,
 * with the sync issue, the national simulator and the sync schedule.
 */
export function startSteps(): StartStep[] {
  return [signingStep, auditStep, demoProvinceStep, syncStep, transferStep, shareStep, opsStep];
}

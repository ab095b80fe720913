import type { StartStep } from './gateway.js';

/**
 * What `csdl-gateway start` does beyond databases and HTTP, in order. Each capability adds
 * its step here: the demo provincial data, the development PKI, the national simulator
 * (issue 5) and the sync schedule (issue 5).
 */
export function startSteps(): StartStep[] {
  return [];
}

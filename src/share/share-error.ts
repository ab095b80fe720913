import { GatewayError } from '../errors.js';

/**
 * A refusal or failure of the sharing endpoint. Codes name the part that refused:
 * `share.token_invalid` (401), `share.route_not_granted`, `share.unit_not_granted`,
 * `share.field_group_not_granted`, `share.purpose_not_granted` (403), `share.rate_limited`
 * (429), `share.official_not_found` (404, also for a person outside the client's units),
 * `share.purpose_missing`, `share.so_dinh_danh_invalid`, `share.agency_code_invalid`,
 * `share.unit_unknown`, `share.page_size_too_large`, `share.parameter_invalid` (400),
 * `share.unavailable` (503: the store restarting or out of reach), `share.internal` (500).
 */
export class ShareError extends GatewayError {}

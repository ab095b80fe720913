/**
 * Số định danh cá nhân, the key of a person's record: twelve digits (contract,
 * `official.schema.json` and `packet.schema.json`, property `soDinhDanh`). The one place the
 * pattern is written; a test holds it equal to the contract's schemas.
 */
export const SO_DINH_DANH_PATTERN = '^[0-9]{12}$';

const SO_DINH_DANH = new RegExp(SO_DINH_DANH_PATTERN);

/** The OpenAPI/JSON schema of a số định danh parameter or property. */
export const soDinhDanhSchema = { type: 'string', pattern: SO_DINH_DANH_PATTERN } as const;

export function isSoDinhDanh(value: unknown): value is string {
  return typeof value === 'string' && SO_DINH_DANH.test(value);
}

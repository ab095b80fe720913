import { GatewayError } from '../errors.js';

/**
 * The national contract files (shared/contract) not being what the gateway was built for: a
 * code list asked for that the contract does not have (`contract.code_list_unknown`), a
 * schema without its `$id`, with a `$ref` outside the contract, or a node no payload format
 * can carry (`contract.schema_invalid`). A person must fix the contract copy or the code.
 */
export type ContractErrorCode = 'contract.code_list_unknown' | 'contract.schema_invalid';

export class ContractError extends GatewayError {
  declare readonly code: ContractErrorCode;

  constructor(code: ContractErrorCode, message: string) {
    super(code, message, { retryable: false });
  }
}

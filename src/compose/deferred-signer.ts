import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { SigningError } from '../signing/signing-errors.js';

/**
 * The province's signer for a command that may have nothing to sign: `csdl-gateway sync` with
 * nothing due reads no key. The key (compose/signer.ts: node-forge, the PKCS#12 MAC and key
 * derivation, the certificate checks, or a PKCS#11 token) is read by the first `ready()`,
 * once; the sync calls it as soon as it has something to sign, and a bad key is refused then,
 * with the same error as at start-up, before anything is signed or stored. A failed read is
 * not retried: every later `ready()` rejects with its error.
 */
export interface DeferredSigner extends CmsSigner {
  ready(): Promise<void>;
}

export function deferredSigner(config: Config, logger: Logger): DeferredSigner {
  let loading: Promise<CmsSigner> | undefined;
  let loaded: CmsSigner | undefined;
  const load = (): Promise<CmsSigner> => {
    loading ??= import('./signer.js').then(async ({ openSigner }) => (loaded = (await openSigner(config, logger)).signer));
    return loading;
  };
  const signer = (): CmsSigner => {
    if (!loaded) throw new SigningError('signing.not_ready', 'the signing key is not loaded yet: ready() first (chưa nạp khóa ký)');
    return loaded;
  };
  return {
    sign: (payload, signingTime) => signer().sign(payload, signingTime),
    identity: (at) => signer().identity(at),
    async ready() {
      await load();
    },
  };
}

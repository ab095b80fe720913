import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Pkcs11Js from 'pkcs11js';
import { SigningError } from './signing-errors.js';

/**
 * A PKCS#11 module (the token vendor's .so), loaded once per process and path through the
 * pkcs11js binding. The binding is required only when a token is configured, so a gateway
 * signing with a file never loads the native addon. `generation` counts re-initialisations:
 * after a token went away the module is finalised and initialised again, so slots are
 * enumerated afresh, and every session opened before that is known to be gone.
 */
export type Pkcs11 = typeof Pkcs11Js;
export type Pkcs11Lib = InstanceType<Pkcs11['PKCS11']>;

export interface TokenInfo {
  slot: Buffer;
  label: string;
  serial: string;
  model: string;
}

export interface Pkcs11Module {
  path: string;
  api: Pkcs11;
  lib: Pkcs11Lib;
  generation: number;
  /** A PIN refusal per token serial: never presented again by this process (tokens lock). */
  pinRefused: Map<string, SigningError>;
  tokens(): TokenInfo[];
  /** Finalises and initialises the module again (after a token was removed). */
  reinitialize(): void;
}

const require = createRequire(import.meta.url);
const modules = new Map<string, Pkcs11Module>();

function binding(): Pkcs11 {
  try {
    return require('pkcs11js') as Pkcs11;
  } catch (err) {
    throw new SigningError('signing.pkcs11_module_not_found', `the PKCS#11 binding (pkcs11js) is not built here: run npm rebuild pkcs11js (${String(err)})`, { cause: err });
  }
}

/** The CKR_ name of a binding error ("CKR_PIN_INCORRECT"), or '' for anything else. */
export function ckr(err: unknown): string {
  return /\b(CKR_[A-Z_]+)/.exec(err instanceof Error ? err.message : String(err))?.[1] ?? '';
}

function initialize(lib: Pkcs11Lib, path: string): void {
  try {
    lib.C_Initialize();
  } catch (err) {
    if (ckr(err) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') return;
    throw new SigningError('signing.token_error', `the PKCS#11 module ${path} refused to initialise (${ckr(err) || String(err)}); check its configuration (SoftHSM2: SOFTHSM2_CONF)`, { cause: err });
  }
}

const trimmed = (s: string): string => s.replace(/[\s\0]+$/, '');

export function openModule(path: string): Pkcs11Module {
  const found = modules.get(path);
  if (found !== undefined) return found;
  if (!existsSync(path)) {
    throw new SigningError('signing.pkcs11_module_not_found', `PKCS11_MODULE ${path} does not exist; install the token's PKCS#11 library or correct the path`);
  }
  const api = binding();
  const lib = new api.PKCS11();
  try {
    lib.load(path);
  } catch (err) {
    throw new SigningError('signing.pkcs11_module_not_found', `PKCS11_MODULE ${path} is not a PKCS#11 library (${String((err as Error).message ?? err)})`, { cause: err });
  }
  initialize(lib, path);
  const module: Pkcs11Module = {
    path,
    api,
    lib,
    generation: 0,
    pinRefused: new Map(),
    tokens() {
      return lib.C_GetSlotList(true).flatMap((slot) => {
        const info = lib.C_GetTokenInfo(slot);
        // A slot with an uninitialised token holds no key; listing it would only confuse.
        if ((info.flags & api.CKF_TOKEN_INITIALIZED) === 0) return [];
        return [{ slot, label: trimmed(info.label), serial: trimmed(info.serialNumber), model: trimmed(info.model) }];
      });
    },
    reinitialize() {
      try {
        lib.C_Finalize();
      } catch {
        // Already finalised or the device is gone: initialising again is what matters.
      }
      initialize(lib, path);
      module.generation += 1;
    },
  };
  modules.set(path, module);
  return module;
}

import type { Db, Queryable, TransactionOptions } from './db.js';

/**
 * A transaction begun now and worked in later: `ahead` is called as soon as it is open (a
 * read sent ahead, while the caller does other things), `use` runs the rest in it, and the
 * transaction ends with `use` (committed, or rolled back on a throw) or with `end`, when the
 * caller stops before using it. A transaction that could not begin fails `use`, not before.
 */
export interface HeldTransaction<A> {
  /** Runs `work` in the transaction with what `ahead` returned; once. */
  use<T>(work: (tx: Queryable, ahead: A) => Promise<T>): Promise<T>;
  /** Ends the transaction if `use` has not (nothing was done in it but `ahead`); safe to call after `use`. */
  end(): Promise<void>;
}

export function holdTransaction<A>(db: Pick<Db, 'transaction'>, options: TransactionOptions, ahead: (tx: Queryable) => A): HeldTransaction<A> {
  let opened!: (value: { tx: Queryable; ahead: A }) => void;
  let notOpened!: (err: unknown) => void;
  const ready = new Promise<{ tx: Queryable; ahead: A }>((resolve, reject) => {
    opened = resolve;
    notOpened = reject;
  });
  ready.catch(() => undefined); // reported by use(); a run that ends first never asks
  let finish!: (outcome: { failed?: unknown }) => void;
  const finished = new Promise<{ failed?: unknown }>((resolve) => {
    finish = resolve;
  });
  const done = db.transaction(async (tx) => {
    opened({ tx, ahead: ahead(tx) });
    const outcome = await finished;
    if ('failed' in outcome) throw outcome.failed;
  }, options);
  done.catch(notOpened);
  let used = false;
  return {
    async use(work) {
      if (used) throw new Error('a held transaction is used once');
      used = true;
      let result: Awaited<ReturnType<typeof work>>;
      try {
        const { tx, ahead: got } = await ready;
        result = await work(tx, got);
      } catch (err) {
        finish({ failed: err });
        await done.catch(() => undefined);
        throw err;
      }
      finish({});
      await done;
      return result;
    },
    async end() {
      used = true;
      finish({});
      await done.catch(() => undefined);
    },
  };
}

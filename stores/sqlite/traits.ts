import { TRANSACTION_MODES, type Capability, type Isolation } from '../../harness/contract/store.ts';

/** SQLite's transaction modes take the place of isolation levels; `deferred` is a run's default. */
export const SQLITE_ISOLATIONS: readonly Isolation[] = TRANSACTION_MODES;

/** What SQLite lacks, with the reason a scenario that needs it is skipped there. */
export const SQLITE_LACKS: Readonly<Partial<Record<Capability, string>>> = {
  'row-locks': 'SQLite has no SELECT … FOR UPDATE: it locks the whole database for a write, never a row',
  'advisory-locks': 'SQLite has no advisory locks',
};

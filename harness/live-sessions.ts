import { outcomeOf } from './classify.ts';
import type { SessionRow, StoreConnection } from './contract/store.ts';
import type { WorkerTally } from './worker-tally.ts';

/** Keys read per statement by the final audit: a real key space keeps every session of the run. */
const AUDIT_BATCH = 10_000;

/**
 * Times an expiring DELETE is sent again after the database refused it as a deadlock. InnoDB's
 * DELETE locks the gap beside the row, so it can deadlock with a scenario's transaction that holds
 * gap locks (SERIALIZABLE's checks, FOR UPDATE under REPEATABLE READ). The expiry is the harness's
 * housekeeping, part of no op, so it retries as an application would; the transaction it lost to
 * goes on.
 */
const EXPIRY_ATTEMPTS = 5;

interface Acknowledged {
  row: SessionRow;
  op: number;
}

/**
 * The sessions a worker was told it saved and has not yet expired, oldest first. Expiring one is
 * also auditing it: the delete names the data the op wrote, so a row that no longer holds it was
 * overwritten or lost by someone else, and no extra statement is spent when all is well.
 */
export class LiveSessions {
  private readonly live: Acknowledged[] = [];

  constructor(
    private readonly store: StoreConnection,
    private readonly quota: number,
    private readonly tally: WorkerTally,
  ) {}

  add(row: SessionRow, op: number): void {
    this.live.push({ row, op });
  }

  /** Sessions expire as in production, so the key space stays near its target occupancy. */
  async expireBeyondQuota(): Promise<void> {
    while (this.live.length > this.quota) {
      const oldest = this.live.shift()!;
      let deleted: boolean;
      // The store's own promise on the first attempt: this runs after every op, and a retry is rare.
      try {
        deleted = await this.store.deleteOwned(oldest.row);
      } catch (error) {
        deleted = await this.retryDelete(oldest.row, error);
      }
      if (deleted) continue;
      const found = (await this.store.read([oldest.row.key])).get(oldest.row.key);
      if (found !== oldest.row.data) this.flag(oldest, found);
    }
  }

  /** Audits every session still live: call it once no worker writes any more. */
  async auditAll(): Promise<void> {
    for (let start = 0; start < this.live.length; start += AUDIT_BATCH) {
      const batch = this.live.slice(start, start + AUDIT_BATCH);
      const stored = await this.store.read(batch.map((s) => s.row.key));
      for (const session of batch) {
        const found = stored.get(session.row.key);
        if (found !== session.row.data) this.flag(session, found);
      }
    }
    this.live.length = 0;
  }

  /** Sends the delete again after a deadlock, up to `EXPIRY_ATTEMPTS` in all; any other error is thrown on. */
  private async retryDelete(row: SessionRow, firstError: unknown): Promise<boolean> {
    let error = firstError;
    for (let attempt = 2; ; attempt++) {
      if (outcomeOf(error) !== 'deadlock') throw error;
      try {
        return await this.store.deleteOwned(row);
      } catch (thrown) {
        if (attempt >= EXPIRY_ATTEMPTS) throw thrown;
        error = thrown;
      }
    }
  }

  private flag(session: Acknowledged, found: string | undefined): void {
    const audit = { wrote: session.row.data, found: found ?? null };
    this.tally.demote(found === undefined ? 'lost' : 'overwritten', session.op, session.row.key, audit);
  }
}

/**
 * How explore mode sees that a step waits on a lock another participant holds, on MySQL/MariaDB.
 *
 * InnoDB's row and gap locks. MySQL 8 lists who waits for whom in performance_schema.
 * data_lock_waits. MariaDB lists it in information_schema.INNODB_TRX and INNODB_LOCK_WAITS, but
 * those are served from a cache that InnoDB refreshes only after nobody has read it for 0.1 s
 * (MariaDB's trx0i_s.cc, CACHE_MIN_IDLE_TIME_NS): explore polls every millisecond, and any other
 * poller on the server keeps it stale too, so a wait would never show. There racelab reads SHOW ENGINE
 * INNODB STATUS, built afresh on every call: its transaction list shows, under a waiting
 * transaction's connection id, the lock it `HAS BEEN WAITING` for. The report does not name the
 * holder; a participant
 * works only in the run's own database, which nobody else touches, so whoever holds the lock it
 * waits for is another participant.
 *
 * GET_LOCK's user locks are not InnoDB's: a connection waiting for one shows the state "User lock"
 * (MariaDB) or "Waiting for user level lock" (MySQL) in the process list, which is not cached.
 * The store's lock names are hashed with the run's database, so only participants hold them.
 */

type Query = <Row>(text: string, values?: unknown[]) => Promise<Row>;

/** Which report tells who waits on this server. */
export type LockWaitSource = 'data_lock_waits' | 'innodb_status';

export async function lockWaitSource(query: Query): Promise<LockWaitSource> {
  try {
    await query('SELECT 1 FROM performance_schema.data_lock_waits LIMIT 0');
    const [enabled] = await query<{ on: number }[]>('SELECT @@performance_schema AS `on`');
    return Number(enabled?.on) === 1 ? 'data_lock_waits' : 'innodb_status';
  } catch {
    // No such table: MariaDB, or MySQL before 8.0.
    return 'innodb_status';
  }
}

const DATA_LOCK_WAITS = `SELECT r.trx_mysql_thread_id AS id
    FROM performance_schema.data_lock_waits w
    JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
    JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
   WHERE r.trx_mysql_thread_id IN (?) AND b.trx_mysql_thread_id IN (?)`;

/** The connections whose transaction waits for a lock, from SHOW ENGINE INNODB STATUS's text. */
function waitingConnections(status: string): Set<number> {
  const waiting = new Set<number>();
  for (const transaction of status.split(/\n---TRANSACTION /).slice(1)) {
    if (!/\n------- TRX HAS BEEN WAITING \d+ (us|ms|sec) FOR THIS LOCK TO BE GRANTED/.test(transaction)) continue;
    const thread = /\n(?:MariaDB|MySQL) thread id (\d+)/.exec(transaction);
    if (thread) waiting.add(Number(thread[1]));
  }
  return waiting;
}

/** Of the connections `ids`, those waiting for a lock one of `holders` holds. */
export async function blockedConnections(query: Query, source: LockWaitSource, ids: readonly number[], holders: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0 || holders.length === 0) return new Set();
  const blocked = new Set<number>();
  if (source === 'data_lock_waits') {
    for (const row of await query<{ id: number }[]>(DATA_LOCK_WAITS, [ids, holders])) blocked.add(Number(row.id));
  } else {
    const [row] = await query<{ Status: string }[]>('SHOW ENGINE INNODB STATUS');
    for (const id of waitingConnections(row?.Status ?? '')) if (ids.includes(id)) blocked.add(id);
  }
  const onUserLocks = await query<{ id: number }[]>(
    "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID IN (?) AND STATE IN ('User lock', 'Waiting for user level lock')",
    [ids],
  );
  for (const row of onUserLocks) blocked.add(Number(row.id));
  return blocked;
}

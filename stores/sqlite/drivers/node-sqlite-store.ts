/** The SQLite store's worker module on node:sqlite, which the harness loads by URL (../index.ts). */
import { sessionStoreOn } from '../session-store.ts';
import { nodeSqlite } from './node-sqlite.ts';

export default sessionStoreOn(nodeSqlite);

/** How the harness sees the statements a scenario's own code sends through node:sqlite or better-sqlite3. */
export { sqliteDriver as driver } from '../intercept.ts';

/** The SQLite store's worker module on better-sqlite3, which the harness loads by URL (../index.ts). */
import { sessionStoreOn } from '../session-store.ts';
import { betterSqlite3 } from './better-sqlite3.ts';

export default sessionStoreOn(betterSqlite3);

/** How the harness sees the statements a scenario's own code sends through node:sqlite or better-sqlite3. */
export { sqliteDriver as driver } from '../intercept.ts';

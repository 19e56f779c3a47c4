/**
 * For store tests on fake-indexeddb: opens a database with today's schema and remembers it, so
 * that `afterEach(closeOpenedDatabases)` closes whatever a test opened.
 */
import { IDBKeyRange } from 'fake-indexeddb';
import { KilnDatabase } from './schema';

const opened: KilnDatabase[] = [];

export async function openTodaysDatabase(factory: IDBFactory, name: string): Promise<KilnDatabase> {
  const db = new KilnDatabase(name, { indexedDB: factory, IDBKeyRange });
  opened.push(db);
  await db.open();
  return db;
}

export function closeOpenedDatabases(): void {
  for (const db of opened.splice(0)) db.close();
}

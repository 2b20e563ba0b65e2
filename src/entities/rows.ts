import { QueryFailedError, type EntityManager, type EntityMetadata, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryResult } from 'typeorm/query-runner/QueryResult';

/**
 * The hot path's look-ups and inserts as plain parameterised SQL (issue 17).
 *
 * Under load TypeORM spent about a third of the bot's CPU building the same SQL again for every
 * call (aliases, escaping, parameter renaming) and mapping the rows back, and `save()` reads every
 * inserted row back to learn its defaults. Here the SQL of each shape of call is built once from
 * the entity's metadata and kept; values go through the driver's own conversions
 * (preparePersistentValue / prepareHydratedValue, which also run the column transformers, so
 * encrypted columns are sealed and opened exactly as with the ORM); an insert fills the defaults
 * the entity declares instead of reading the row back.
 *
 * Only for entities without relations or embedded columns (all of ours); conditions are equality,
 * IN (an array) and IS NULL (null).
 */

export type Where<E> = { [K in keyof E]?: E[K] | readonly E[K][] };
export type Order<E> = { [K in keyof E]?: 'ASC' | 'DESC' };

/** The SQL of each shape of call, built once per entity (the key says the shape). */
const statements = new WeakMap<EntityMetadata, Map<string, string>>();

function sqlOf(metadata: EntityMetadata, key: string, build: () => string): string {
  let byKey = statements.get(metadata);
  if (!byKey) statements.set(metadata, (byKey = new Map()));
  let sql = byKey.get(key);
  if (sql === undefined) byKey.set(key, (sql = build()));
  return sql;
}

const quoter = (manager: EntityManager) => (name: string) => manager.connection.driver.escape(name);

function columnOf(metadata: EntityMetadata, property: string): ColumnMetadata {
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  return column;
}

/** What better-sqlite3 is given for a plain value: integers as 64-bit integers (as Database.bindIntegers), booleans as 0/1. */
function bindPlain(manager: EntityManager, value: unknown): unknown {
  if (manager.connection.driver.options.type !== 'better-sqlite3') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** What the driver binds for a column's value: its own conversion, transformers included (run() then binds it as above). */
function bindValue(manager: EntityManager, column: ColumnMetadata, value: unknown): unknown {
  return manager.connection.driver.preparePersistentValue(value, column);
}

interface NativeStatement {
  readonly reader: boolean;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
/** better-sqlite3's connection, the one TypeORM's SQLite driver runs every transaction on. */
interface NativeSqlite {
  prepare(sql: string): NativeStatement;
}
/** Prepared statements by connection: a few dozen shapes, built once each. */
const preparedOn = new WeakMap<NativeSqlite, Map<string, NativeStatement>>();

function nativeSqlite(manager: EntityManager): NativeSqlite | undefined {
  const driver = manager.connection.driver as unknown as { options: { type: string }; databaseConnection?: NativeSqlite };
  return driver.options.type === 'better-sqlite3' ? driver.databaseConnection : undefined;
}

/** One statement on the manager's connection (its transaction), answered with rows, the count changed and the new id. */
export async function run(manager: EntityManager, sql: string, values: unknown[]): Promise<QueryResult> {
  const sqlite = nativeSqlite(manager);
  if (sqlite) {
    // SQLite answers synchronously on the one connection every transaction of the process uses
    // (database.ts queues them), so the statement runs on it directly: TypeORM's runner wrapped
    // each call in logging, events and a result object, about a third of what a statement cost
    let statements = preparedOn.get(sqlite);
    if (!statements) preparedOn.set(sqlite, (statements = new Map()));
    try {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
      const bound = values.map((value) => bindPlain(manager, value));
      if (statement.reader) return { records: statement.all(...bound), raw: undefined, affected: undefined } as unknown as QueryResult;
      const outcome = statement.run(...bound);
      return { records: [], raw: outcome.lastInsertRowid, affected: outcome.changes } as unknown as QueryResult;
    } catch (error) {
      // the error TypeORM's runner gives, so callers read error.driverError.code the same way
      throw new QueryFailedError(sql, values, error as Error);
    }
  }
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, values, true)) as QueryResult;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

function hydrate<E>(manager: EntityManager, metadata: EntityMetadata, raw: Record<string, unknown>): E {
  const entity = metadata.create() as Record<string, unknown>;
  for (const column of metadata.columns) {
    if (column.databaseName in raw) entity[column.propertyName] = manager.connection.driver.prepareHydratedValue(raw[column.databaseName], column);
  }
  return entity as E;
}

/** A where object in one pass: its shape (the cache key), its SQL and the values to bind. */
function whereClause<E>(manager: EntityManager, metadata: EntityMetadata, where: Where<E>): { text: string; key: string; values: unknown[] } {
  const q = quoter(manager);
  const parts: string[] = [];
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const [property, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const column = columnOf(metadata, property);
    if (value === null) {
      parts.push(`${q(column.databaseName)} IS NULL`);
      keys.push(`${property}:null`);
    } else if (Array.isArray(value)) {
      parts.push(value.length === 0 ? '1 = 0' : `${q(column.databaseName)} IN (${value.map(() => '?').join(', ')})`);
      keys.push(`${property}:${value.length}`);
      for (const item of value) values.push(bindValue(manager, column, item));
    } else {
      parts.push(`${q(column.databaseName)} = ?`);
      keys.push(property);
      values.push(bindValue(manager, column, value));
    }
  }
  return { text: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', key: keys.join(','), values };
}

/** Rows matching `where`, in `order`, at most `limit`. */
export async function findRows<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>, where: Where<E>, order: Order<E> = {}, limit?: number): Promise<E[]> {
  const metadata = manager.connection.getMetadata(target);
  const clause = whereClause(manager, metadata, where);
  const orderKey = Object.entries(order).map(([p, d]) => `${p} ${d}`).join(',');
  const sql = sqlOf(metadata, `select|${clause.key}|${orderKey}|${limit ?? ''}`, () => {
    const q = quoter(manager);
    const columns = metadata.columns.map((c) => q(c.databaseName)).join(', ');
    const orderBy = Object.entries(order).map(([property, direction]) => `${q(columnOf(metadata, property).databaseName)} ${direction === 'DESC' ? 'DESC' : 'ASC'}`);
    return `SELECT ${columns} FROM ${q(metadata.tableName)}${clause.text}${orderBy.length > 0 ? ` ORDER BY ${orderBy.join(', ')}` : ''}${limit !== undefined ? ` LIMIT ${Math.floor(limit)}` : ''}`;
  });
  const result = await run(manager, sql, clause.values);
  return (result.records as Record<string, unknown>[]).map((row) => hydrate<E>(manager, metadata, row));
}

/** Whether any row matches `where` (nothing read, nothing decrypted). */
export async function rowExists<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>, where: Where<E>): Promise<boolean> {
  const metadata = manager.connection.getMetadata(target);
  const clause = whereClause(manager, metadata, where);
  const sql = sqlOf(metadata, `exists|${clause.key}`, () => `SELECT 1 AS ${quoter(manager)('found')} FROM ${quoter(manager)(metadata.tableName)}${clause.text} LIMIT 1`);
  return ((await run(manager, sql, clause.values)).records as unknown[]).length > 0;
}

/** The first row matching `where` in `order`, or null. */
export async function findRow<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>, where: Where<E>, order: Order<E> = {}): Promise<E | null> {
  const [row] = await findRows(manager, target, where, order, 1);
  return row ?? null;
}

/**
 * Inserts one row and returns the entity as stored, without reading it back: the generated id
 * from the driver, every column not given set to the default its entity declares (a literal; a
 * column with a database-computed default must be given). `ifAbsent`: a row that would repeat
 * a unique key is not inserted, and the id is not known.
 */
export async function insertRow<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>, values: Partial<E>, options: { ifAbsent?: boolean } = {}): Promise<E> {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as Record<string, unknown>;
  const given = values as Record<string, unknown>;
  for (const column of metadata.columns) {
    const property = column.propertyName;
    if (given[property] !== undefined) entity[property] = given[property];
    else if (column.isGenerated) continue;
    else if (column.default !== undefined) {
      if (typeof column.default === 'function') throw new Error(`${metadata.name}.${property}: give it (its default is computed by the database)`);
      entity[property] = column.default;
    } else if (column.isNullable) entity[property] = null;
  }
  const columns = metadata.columns.filter((c) => !(c.isGenerated && entity[c.propertyName] === undefined));
  const key = `insert|${options.ifAbsent ? 'ifAbsent|' : ''}${columns.map((c) => c.propertyName).join(',')}`;
  const sql = sqlOf(metadata, key, () => {
    const q = quoter(manager);
    const primary = q(metadata.primaryColumns[0].databaseName);
    // a row that would repeat a unique key is left as it is (and nothing else is ignored, unlike MySQL's INSERT IGNORE)
    const ifAbsent = !options.ifAbsent ? '' : manager.connection.driver.options.type === 'better-sqlite3' ? ' ON CONFLICT DO NOTHING' : ` ON DUPLICATE KEY UPDATE ${primary} = ${primary}`;
    return `INSERT INTO ${q(metadata.tableName)} (${columns.map((c) => q(c.databaseName)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${ifAbsent}`;
  });
  const result = await run(manager, sql, columns.map((column) => bindValue(manager, column, entity[column.propertyName])));
  const generated = metadata.columns.find((c) => c.isGenerated && entity[c.propertyName] === undefined);
  if (generated && !options.ifAbsent) {
    // better-sqlite3's runner answers an INSERT with lastInsertRowid, mysql2's with a result header
    const raw = result.raw as unknown;
    const id = typeof raw === 'object' && raw !== null && 'insertId' in raw ? (raw as { insertId: number }).insertId : raw;
    entity[generated.propertyName] = Number(id);
  }
  return entity as E;
}

/** Sets `changes` on the rows matching `where`; the number of rows changed. */
export async function updateRows<E extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<E>, where: Where<E>, changes: Partial<E>): Promise<number> {
  const metadata = manager.connection.getMetadata(target);
  const clause = whereClause(manager, metadata, where);
  const set = Object.entries(changes as Record<string, unknown>).filter(([, value]) => value !== undefined);
  const key = `update|${set.map(([p]) => p).join(',')}|${clause.key}`;
  const sql = sqlOf(metadata, key, () => {
    const q = quoter(manager);
    return `UPDATE ${q(metadata.tableName)} SET ${set.map(([property]) => `${q(columnOf(metadata, property).databaseName)} = ?`).join(', ')}${clause.text}`;
  });
  const values = [...set.map(([property, value]) => bindValue(manager, columnOf(metadata, property), value)), ...clause.values];
  return (await run(manager, sql, values)).affected ?? 0;
}

/** How many rows match `where`, by the value of one column (no entry for a value with none). */
export async function countRowsBy<E extends ObjectLiteral, K extends keyof E>(manager: EntityManager, target: EntityTarget<E>, where: Where<E>, by: K): Promise<Map<E[K], number>> {
  const metadata = manager.connection.getMetadata(target);
  const clause = whereClause(manager, metadata, where);
  const column = columnOf(metadata, String(by));
  const sql = sqlOf(metadata, `count|${String(by)}|${clause.key}`, () => {
    const q = quoter(manager);
    return `SELECT ${q(column.databaseName)} AS ${q('value')}, COUNT(*) AS ${q('n')} FROM ${q(metadata.tableName)}${clause.text} GROUP BY ${q(column.databaseName)}`;
  });
  const result = await run(manager, sql, clause.values);
  const counts = new Map<E[K], number>();
  for (const row of result.records as { value: unknown; n: number | string }[]) counts.set(manager.connection.driver.prepareHydratedValue(row.value, column) as E[K], Number(row.n));
  return counts;
}

/**
 * Rows of the entity matching a condition the caller writes in SQL, for what equality cannot say
 * (ranges, OR): `condition` uses the database's quoting through `q`, with ? placeholders.
 */
export async function findRowsWhere<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  condition: (q: (name: string) => string) => string,
  values: unknown[],
  orderAndLimit = '',
): Promise<E[]> {
  const metadata = manager.connection.getMetadata(target);
  const q = quoter(manager);
  const written = condition(q);
  const sql = sqlOf(metadata, `where|${written}|${orderAndLimit}`, () => `SELECT ${metadata.columns.map((c) => q(c.databaseName)).join(', ')} FROM ${q(metadata.tableName)} WHERE ${written} ${orderAndLimit}`.trimEnd());
  const result = await run(manager, sql, values);
  return (result.records as Record<string, unknown>[]).map((row) => hydrate<E>(manager, metadata, row));
}

import { TableColumn, TableIndex, type TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations written with the QueryRunner Table API, so one migration
 * serves SQLite and MySQL/MariaDB. They mirror the shapes in ../columns.ts.
 */


export function idColumn(): TableColumnOptions {
  return { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
}

export function varchar(name: string, length: number, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'varchar', length: String(length), isNullable: false, ...options };
}

export function text(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'text', isNullable: false, ...options };
}

export function instant(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'bigint', isNullable: false, ...options };
}

export function int(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'integer', isNullable: false, default: 0, ...options };
}

export function nullable(column: TableColumnOptions): TableColumnOptions {
  return { ...column, isNullable: true };
}

export function index(name: string, columnNames: string[], isUnique = false): TableIndex {
  return new TableIndex({ name, columnNames, isUnique });
}

export { TableColumn };

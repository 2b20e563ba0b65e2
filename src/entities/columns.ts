import { Column, getMetadataArgsStorage, type ColumnOptions, type ValueTransformer } from 'typeorm';
import { encryptedAt, encryptedJsonAt, placeOf } from './personal-data';

/**
 * Column shapes shared by every entity, so SQLite and MySQL store the same thing.
 * Instants are epoch milliseconds in a BIGINT: no driver time-zone conversion, millisecond
 * precision on both databases, and plain integer comparisons in job scans.
 */

const epochMs = {
  to: (value: number | null | undefined) => value,
  // mysql2 returns BIGINT as a string
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** One place for nullability, so every column builder says it the same way as the migrations. */
function nullability(nullable: boolean | undefined): Pick<ColumnOptions, 'nullable' | 'default'> {
  return nullable ? { nullable: true } : { nullable: false };
}

export function InstantColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'bigint', ...nullability(options.nullable), transformer: epochMs });
}

/**
 * An encrypted column sealed for its own table and column (the AAD). Property decorators run
 * before the class's @Entity, so the table name is looked up on first use, once; the column
 * name is the property name (no entity renames its encrypted columns).
 */
function encryptedColumn(options: { nullable?: boolean }, transformer: (place: () => string) => ValueTransformer): PropertyDecorator {
  return (target, propertyKey) => {
    let place: string | undefined;
    const resolve = () => {
      if (place === undefined) {
        const table = getMetadataArgsStorage().tables.find((t) => t.target === target.constructor)?.name;
        if (!table) throw new Error(`encrypted column ${String(propertyKey)} on a class without @Entity name`);
        place = placeOf(table, String(propertyKey));
      }
      return place;
    };
    Column({ type: 'text', ...nullability(options.nullable), transformer: transformer(resolve) })(target, propertyKey);
  };
}

export function EncryptedTextColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return encryptedColumn(options, encryptedAt);
}

export function EncryptedJsonColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return encryptedColumn(options, encryptedJsonAt);
}

export function TextColumn(length: number, options: Omit<ColumnOptions, 'type' | 'length'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length, ...options, ...nullability(options.nullable) });
}

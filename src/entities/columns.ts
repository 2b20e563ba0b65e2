import { Column, type ColumnOptions } from 'typeorm';
import { encrypted, encryptedJson } from './personal-data';

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

export function EncryptedTextColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'text', ...nullability(options.nullable), transformer: encrypted });
}

export function EncryptedJsonColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({ type: 'text', ...nullability(options.nullable), transformer: encryptedJson });
}

export function TextColumn(length: number, options: Omit<ColumnOptions, 'type' | 'length'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length, ...options, ...nullability(options.nullable) });
}

import {
  Bool,
  type Data,
  DateDay,
  Field as ArrowField,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  type DataType,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import type { Field } from '../source-chunk.ts';
import type { ExtractColumn } from './extract-writer.ts';
import { epochDays, timestampMicros, valueKind, type ValueKind } from './value-kinds.ts';

/** Arrow types of the extract's columns: numeric stays exact decimal text (Utf8), JSON its text. */
function arrowType(kind: ValueKind): DataType {
  switch (kind) {
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'float':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'date':
      return new DateDay();
    case 'timestamptz':
      return new TimestampMicrosecond('UTC');
    case 'timestamp':
      return new TimestampMicrosecond();
    default:
      return new Utf8();
  }
}

export function arrowSchema(columns: readonly ExtractColumn[]): Schema {
  return new Schema(columns.map((c) => new ArrowField(c.name, arrowType(valueKind(c.pgType)), true)));
}

/** A fixed-width column: values into `values`, a validity bitmap beside them. */
function fixedWidth<T extends Int32Array | BigInt64Array | Float64Array>(
  type: DataType,
  rows: Field[][],
  index: number,
  values: T,
  parse: (text: string) => T[number],
): Data {
  const bitmap = new Uint8Array((rows.length + 7) >> 3);
  let nulls = 0;
  for (let r = 0; r < rows.length; r++) {
    const text = rows[r]![index]!;
    if (text === null) {
      nulls++;
      continue;
    }
    bitmap[r >> 3]! |= 1 << (r & 7);
    values[r] = parse(text);
  }
  return makeData({ type, length: rows.length, nullCount: nulls, nullBitmap: nulls ? bitmap : null, data: values } as never);
}

function columnData(kind: ValueKind, type: DataType, rows: Field[][], i: number): Data {
  const n = rows.length;
  switch (kind) {
    case 'int32':
      return fixedWidth(type, rows, i, new Int32Array(n), Number);
    case 'int64':
      return fixedWidth(type, rows, i, new BigInt64Array(n), BigInt);
    case 'float':
      return fixedWidth(type, rows, i, new Float64Array(n), (t) => (t === 'NaN' ? Number.NaN : Number(t)));
    case 'date':
      return fixedWidth(type, rows, i, new Int32Array(n), epochDays);
    case 'timestamptz':
    case 'timestamp':
      return fixedWidth(type, rows, i, new BigInt64Array(n), timestampMicros);
    case 'boolean':
      return vectorFromArray(
        rows.map((r) => (r[i] === null ? null : r[i] === 't')),
        new Bool(),
      ).data[0]!;
    default:
      return vectorFromArray(
        rows.map((r) => r[i] ?? null),
        new Utf8(),
      ).data[0]!;
  }
}

/** The rows as one Arrow record batch of the schema. */
export function recordBatchOf(schema: Schema, columns: readonly ExtractColumn[], rows: Field[][]): RecordBatch {
  const children = columns.map((c, i) => columnData(valueKind(c.pgType), schema.fields[i]!.type, rows, i));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** Collects a file's batches in memory: Arrow IPC files and Parquet are written whole, footer last. */
export class BatchBuffer {
  readonly schema: Schema;
  private readonly batches: RecordBatch[] = [];
  rows = 0;

  constructor(private readonly columns: readonly ExtractColumn[]) {
    this.schema = arrowSchema(columns);
  }

  add(rows: Field[][]): void {
    if (!rows.length) return;
    this.batches.push(recordBatchOf(this.schema, this.columns, rows));
    this.rows += rows.length;
  }

  table(): Table {
    return new Table(this.schema, this.batches);
  }
}

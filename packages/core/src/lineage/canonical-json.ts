// Canonical JSON: one byte-exact text per JSON value, so a hash of it identifies the value. The form is
// RFC 8785 (JSON Canonicalization Scheme) for the values MedSweep hashes: object keys sorted by UTF-16
// code units, no whitespace, strings and numbers as JSON.stringify writes them (ECMAScript's shortest
// round-trip numbers, which JCS adopts). Values that JSON.stringify would silently drop or distort
// (undefined, NaN, Date, ...) are refused instead, so two different inputs never hash the same.
// No I/O and no Node built-ins: safe in Temporal workflow code.
import { NonCanonicalValueError } from '../errors.js';

/** A JSON value as canonicalJson accepts it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return 'is undefined';
    case 'number':
      return Number.isFinite(value) ? undefined : `is ${value}`;
    case 'bigint':
      return 'is a bigint';
    case 'function':
      return 'is a function';
    case 'symbol':
      return 'is a symbol';
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return undefined;
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown class';
      return `is a ${name}, not a plain object`;
    }
    default:
      return undefined;
  }
}

function write(value: unknown, path: string, ancestors: Set<object>, out: string[]): void {
  const problem = describe(value);
  if (problem !== undefined) throw new NonCanonicalValueError(path, problem);
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  if (ancestors.has(value)) throw new NonCanonicalValueError(path, 'refers to itself (a cycle)');
  ancestors.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      if (!(i in value)) throw new NonCanonicalValueError(`${path}[${i}]`, 'is an array hole');
      write(value[i], `${path}[${i}]`, ancestors, out);
    }
    out.push(']');
  } else {
    const record = value as Record<string, unknown>;
    out.push('{');
    // Default sort compares UTF-16 code units, exactly as JCS orders keys.
    Object.keys(record)
      .sort()
      .forEach((key, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(record[key], `${path}.${key}`, ancestors, out);
      });
    out.push('}');
  }
  ancestors.delete(value);
}

/** The canonical JSON text of `value`; throws NonCanonicalValueError naming the first value it refuses. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', new Set(), out);
  return out.join('');
}

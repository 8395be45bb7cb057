import { InvalidOptionError } from '../errors.js';

/** Reads one field of an event; returns undefined when any step of the path is missing. */
export type FieldGetter = (event: Record<string, unknown>) => unknown;

/**
 * Compiles a dotted path such as `properties.mag` into a getter. Each dot
 * steps into a nested object, so a top-level field whose name contains a dot
 * cannot be addressed.
 */
export function compileFieldPath(path: string): FieldGetter {
  const parts = path.split('.');
  if (path.length === 0 || parts.some((part) => part.length === 0)) {
    throw new InvalidOptionError(`invalid field path ${JSON.stringify(path)}: expected names separated by single dots, for example properties.mag`);
  }
  if (parts.length === 1) {
    const name = parts[0]!;
    return (event) => event[name];
  }
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (typeof current !== 'object' || current === null) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

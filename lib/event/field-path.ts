import { InvalidOptionError } from '../errors.js';

/** Reads one field of an event; returns undefined when any step of the path is missing. */
export type FieldGetter = (event: Record<string, unknown>) => unknown;

/** Names that every plain object inherits, such as `constructor` or `__proto__`. */
function isInheritedName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Compiles a dotted path such as `properties.mag` into a getter. Each dot
 * steps into a nested object, so a top-level field whose name contains a dot
 * cannot be addressed. Only own properties are read: `constructor` or
 * `__proto__` is missing unless the event itself has that field.
 */
export function compileFieldPath(path: string): FieldGetter {
  const parts = path.split('.');
  if (path.length === 0 || parts.some((part) => part.length === 0)) {
    throw new InvalidOptionError(`invalid field path ${JSON.stringify(path)}: expected names separated by single dots, for example properties.mag`);
  }
  if (parts.length === 1 && !isInheritedName(parts[0]!)) {
    const name = parts[0]!;
    // A JSON object inherits only Object.prototype's names, so a plain
    // lookup of any other name reads an own property or undefined.
    return (event) => event[name];
  }
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

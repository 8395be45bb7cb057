/**
 * Edits the text of one JSON object without parsing its values, so numbers
 * keep their exact spelling (JSON.parse rounds integers beyond 2^53). Every
 * function expects text that JSON.parse has already accepted as an object;
 * on other text the result is undefined.
 */

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function skipSpace(text: string, index: number): number {
  while (index < text.length && isJsonSpace(text.charCodeAt(index))) index++;
  return index;
}

/** Returns the index after the string that starts at `index` (a '"'). */
function skipString(text: string, index: number): number {
  let i = index + 1;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) i += 2;
    else if (code === 34 /* " */) return i + 1;
    else i++;
  }
}

/** Returns the index after the value that starts at `index`. */
function skipValue(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === 34) return skipString(text, index);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    let depth = 0;
    let i = index;
    for (;;) {
      const code = text.charCodeAt(i);
      if (code === 34) {
        i = skipString(text, i);
        continue;
      }
      if (code === 123 || code === 91) depth++;
      else if (code === 125 /* } */ || code === 93 /* ] */) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  // A number, true, false or null: it ends at a delimiter or a space.
  let i = index;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 44 /* , */ || code === 125 || code === 93 || isJsonSpace(code) || i >= text.length) return i;
    i++;
  }
}

/**
 * Appends `members` (for example `"a":1,"b":"x"`, without braces) to the
 * object before its closing brace. Spaces after the closing brace are
 * dropped; everything before it is kept as it is.
 */
export function appendMembers(objectText: string, members: string): string {
  let close = objectText.length - 1;
  while (isJsonSpace(objectText.charCodeAt(close))) close--;
  let last = close - 1;
  while (isJsonSpace(objectText.charCodeAt(last))) last--;
  const isEmpty = objectText.charCodeAt(last) === 123;
  return objectText.slice(0, close) + (isEmpty ? '' : ',') + members + '}';
}

/**
 * Removes every top-level member whose name is in `names`, also duplicates
 * and names written with escapes. Nested objects are not searched. Spaces
 * between the remaining members are dropped; their text is kept as it is.
 */
export function removeMembers(objectText: string, names: ReadonlySet<string>): string {
  let i = objectText.indexOf('{') + 1;
  let output = objectText.slice(0, i);
  let isFirst = true;
  for (;;) {
    i = skipSpace(objectText, i);
    if (objectText.charCodeAt(i) === 125) break;
    const memberStart = i;
    const keyEnd = skipString(objectText, i);
    const name = JSON.parse(objectText.slice(i, keyEnd)) as string;
    i = skipSpace(objectText, keyEnd) + 1; // past the ':'
    const memberEnd = skipValue(objectText, skipSpace(objectText, i));
    if (!names.has(name)) {
      output += (isFirst ? '' : ',') + objectText.slice(memberStart, memberEnd);
      isFirst = false;
    }
    i = skipSpace(objectText, memberEnd);
    if (objectText.charCodeAt(i) !== 44) break;
    i++;
  }
  return output + objectText.slice(i);
}

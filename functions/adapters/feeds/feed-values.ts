/** Reading the loosely typed values parsers give for feed fields: strings, `{value}`, `{'#text'}` or nested markup. */

type Loose = Record<string, unknown>;

export function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** The text of a parsed value; nested elements (inline XHTML) are joined as their text, never as markup. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') {
    const object = value as Loose;
    if ('value' in object) return textOf(object.value);
    if ('#text' in object) return textOf(object['#text']);
    const parts = Object.entries(object)
      .filter(([key]) => !key.startsWith('@'))
      .map(([, child]) => (Array.isArray(child) ? child.map(textOf).join(' ') : textOf(child)))
      .filter((part) => part !== undefined && part !== '');
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  return undefined;
}

/** A link resolved against the feed's base; a value that is no URL even then is dropped. */
export function resolveLink(value: string | undefined, base: string): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return URL.parse(trimmed, base)?.href;
}

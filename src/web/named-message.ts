/**
 * The message a query parameter names (`?done=saved`), from a fixed table. Only the table's own
 * entries count: `?done=__proto__` or `?done=constructor` would otherwise hand an inherited
 * object or function to the page instead of a string.
 */
export function namedMessage<T>(table: Readonly<Record<string, T>>, name: string | undefined): T | undefined {
  return name !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Capability tokens live in some URLs; logs get the path with them blanked. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(track|staff\/setup)\/[^/?#]+/, '/$1/[redacted]');
}

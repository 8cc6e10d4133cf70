/**
 * Capability tokens live in some URLs, and query strings may carry search
 * words about unpublished vulnerabilities: logs get the path, tokens blanked,
 * and no query.
 */
export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  return path.replace(/^\/(track|party|staff\/setup|staff\/invitation|staff\/password-reset|subscribe\/confirm|unsubscribe)\/[^/?#]+/, '/$1/[redacted]') + (query === undefined ? '' : '?[query]');
}

export function stampFile(root: string): string;
export function buildIsStale(root: string): boolean;

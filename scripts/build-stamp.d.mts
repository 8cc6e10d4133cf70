export function stampFile(root: string): string;
export function newestInput(root: string): number;
export function buildIsStale(root: string): boolean;

export declare const FIXED_MARKER: string;
export interface AppCall {
  /** 1-based line of the call. */
  line: number;
  /** The first argument as written ('' when there is none). */
  arg: string;
  kind: 'default' | 'loop' | 'fixed' | 'unknown';
  /** Why an 'unknown' call is not accepted. */
  reason: string;
}
export declare function appCalls(source: string): AppCall[];
export declare function runsOnDefaultApp(source: string): boolean;

export declare const ENTRIES: Readonly<Record<string, string>>;
export interface BundledFile {
  /** The entry this script is (report-form, cvss-picker); undefined for a side file such as the licence text. */
  entry: string | undefined;
  /** The file name it is served under, e.g. report-form.3f2a9c0d1e4b.js. */
  file: string;
  contents: Uint8Array;
}
export declare function bundleClient(): Promise<BundledFile[]>;

import { formatSize } from '../web/views/layout.tsx';

/** Most attachments on one submission or reply, and the most bytes each may hold (EMBARGO_MAX_ATTACHMENTS, EMBARGO_MAX_ATTACHMENT_BYTES). */
export interface UploadLimits {
  maxFiles: number;
  maxBytes: number;
}

/** One sentence for a file over the limit, whether it arrived that large or inflated when decrypted. */
export function fileTooLargeMessage(filename: string, limits: UploadLimits): string {
  return `“${filename}” is larger than ${formatSize(limits.maxBytes)}. Attach a smaller file or split it.`;
}

export function tooManyFilesMessage(limits: UploadLimits): string {
  return `At most ${limits.maxFiles} files can be attached at once.`;
}

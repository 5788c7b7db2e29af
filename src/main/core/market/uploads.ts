// Large import texts arrive in chunks (market.upload.chunk) and are held here until an import takes
// them. Bounded: a total size per upload, a few uploads at once, and an idle upload is dropped, so a
// client that starts uploads and walks away cannot fill the core's memory.
import { randomUUID } from 'node:crypto';
import { CoreError } from '../../../shared/errors';

/** The largest import text (characters), about 128 MB of CSV: ~1.3M hourly candles of one series. */
export const MAX_UPLOAD_CHARS = 128 * 1024 * 1024;
export const MAX_OPEN_UPLOADS = 4;
export const UPLOAD_IDLE_MS = 10 * 60_000;

interface Upload {
  parts: string[];
  chars: number;
  touched: number;
}

export class UploadStore {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Appends chunk `seq`; the first chunk (no id) creates the upload. */
  append(uploadId: string | undefined, seq: number, content: string): { uploadId: string; chars: number } {
    this.sweep();
    let id = uploadId;
    let upload: Upload | undefined;
    if (id === undefined) {
      if (this.uploads.size >= MAX_OPEN_UPLOADS)
        throw new CoreError(
          'CONFLICT',
          `${MAX_OPEN_UPLOADS} uploads are open already: import or let them expire first.`,
        );
      id = `upload-${randomUUID()}`;
      upload = { parts: [], chars: 0, touched: this.now() };
      this.uploads.set(id, upload);
    } else {
      upload = this.uploads.get(id);
      if (!upload) throw notFound(id);
    }
    if (seq !== upload.parts.length) {
      throw new CoreError(
        'INVALID_PARAMS',
        `Upload ${id} expected chunk ${upload.parts.length}, not ${seq}: send the chunks in order, one at a time.`,
      );
    }
    if (upload.chars + content.length > MAX_UPLOAD_CHARS) {
      this.uploads.delete(id);
      throw new CoreError(
        'INVALID_PARAMS',
        `The file is larger than ${MAX_UPLOAD_CHARS / (1024 * 1024)} Mi characters, the most one import takes: split it.`,
      );
    }
    upload.parts.push(content);
    upload.chars += content.length;
    upload.touched = this.now();
    return { uploadId: id, chars: upload.chars };
  }

  /** The whole text of an upload, which is then forgotten (an import takes it once). */
  take(uploadId: string): string {
    this.sweep();
    const upload = this.uploads.get(uploadId);
    if (!upload) throw notFound(uploadId);
    this.uploads.delete(uploadId);
    return upload.parts.join('');
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, upload] of this.uploads)
      if (now - upload.touched > UPLOAD_IDLE_MS) this.uploads.delete(id);
  }
}

function notFound(id: string): CoreError {
  return new CoreError(
    'NOT_FOUND',
    `There is no upload '${id.slice(0, 80)}': it was imported already or expired after 10 idle minutes; send the file again.`,
  );
}

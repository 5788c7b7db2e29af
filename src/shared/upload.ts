// The client side of a large import: the text goes up in bounded chunks (market.upload.chunk), then
// the import names the upload. Shared by the CLI (which reads the file it is given) and the window
// (which reads the file the user picks); no call ever carries a path.
import { MAX_UPLOAD_CHUNK_CHARS } from './contract/market';

export type SendChunk = (params: {
  uploadId?: string;
  seq: number;
  content: string;
}) => Promise<{ uploadId: string; chars: number }>;

export type ImportSource = { content: string } | { uploadId: string };

/** Inline content when the text fits one call, else an upload sent chunk by chunk, in order. */
export async function importSource(
  text: string,
  sendChunk: SendChunk,
  onProgress?: (sentChars: number, totalChars: number) => void,
  chunkChars = MAX_UPLOAD_CHUNK_CHARS,
): Promise<ImportSource> {
  if (text.length <= chunkChars) return { content: text };
  let uploadId: string | undefined;
  for (let seq = 0, at = 0; at < text.length; seq++, at += chunkChars) {
    const content = text.slice(at, at + chunkChars);
    const sent = await sendChunk(uploadId === undefined ? { seq, content } : { uploadId, seq, content });
    uploadId = sent.uploadId;
    onProgress?.(Math.min(at + chunkChars, text.length), text.length);
  }
  return { uploadId: uploadId as string };
}

// CoreError is what crosses a process boundary: a stable code, a message written for the user, and
// optional structured details (for example row-numbered CSV errors).
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_PARAMS',
  'UNKNOWN_METHOD',
  /** A frame that is not a usable request envelope (no id, not JSON, an id in flight). */
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'UNKNOWN_SYMBOL',
  'INVALID_CSV',
  'NETWORK',
  'RATE_LIMITED',
  'EXCHANGE_ERROR',
  'CANCELLED',
  'CONFLICT',
  'DATA_INCOMPLETE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const CoreErrorShapeSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type CoreErrorShape = z.infer<typeof CoreErrorShapeSchema>;

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  toJSON(): CoreErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static from(shape: CoreErrorShape): CoreError {
    const code = (ERROR_CODES as readonly string[]).includes(shape.code)
      ? (shape.code as ErrorCode)
      : 'INTERNAL';
    return new CoreError(code, shape.message, shape.details);
  }
}

/** Turns anything thrown into the shape that crosses a boundary; unexpected errors become INTERNAL. */
export function toErrorShape(err: unknown): CoreErrorShape {
  if (err instanceof CoreError) return err.toJSON();
  if (err instanceof Error && err.name === 'AbortError') return { code: 'CANCELLED', message: 'Cancelled.' };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}

export function isCancelled(err: unknown): boolean {
  return (
    (err instanceof CoreError && err.code === 'CANCELLED') ||
    (err instanceof Error && err.name === 'AbortError')
  );
}

/**
 * At most `max` characters of user input for a message: errors never echo whole inputs (a 5 MB cell,
 * a file's first line).
 */
export function excerpt(text: string, max = 40): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}… (${text.length} characters)` : oneLine;
}

/**
 * Input the importers cannot read at all (as opposed to readable text with odd content, which
 * yields warnings). The API maps it to a 4xx answer naming `code`.
 */
export type ImportInputErrorCode =
  | 'EMPTY'
  | 'NOT_UTF8'
  | 'NOT_PDF'
  | 'PDF_UNREADABLE'
  | 'PDF_ENCRYPTED'
  | 'PDF_TIMEOUT'
  | 'PDF_TOO_COMPLEX'
  | 'TOO_LARGE'
  | 'UNKNOWN_FORMAT';

export class ImportInputError extends Error {
  override readonly name = 'ImportInputError';

  constructor(
    readonly code: ImportInputErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

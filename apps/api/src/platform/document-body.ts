import express, { type Request, type Response } from 'express';
import multer from 'multer';
import { ApiError } from './errors.js';

/** Imports accept documents up to this size (JSON bodies elsewhere: 1 MB). */
export const DOCUMENT_BODY_LIMIT = 10 * 1024 * 1024;

const DOCUMENT_TYPES = ['text/*', 'application/pdf', 'application/octet-stream', 'text/csv'];

export interface DocumentBody {
  bytes: Buffer;
  /** The document's own type: the request's, or the multipart part's. */
  contentType?: string;
  filename?: string;
}

const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `The document is larger than the limit of ${DOCUMENT_BODY_LIMIT} bytes`);

const rawParser = express.raw({ type: () => true, limit: DOCUMENT_BODY_LIMIT });
const multipartParser = multer({ storage: multer.memoryStorage(), limits: { fileSize: DOCUMENT_BODY_LIMIT, files: 1, fields: 20 } }).single('file');

function run(parser: express.RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}

/**
 * Reads a document sent as the body (`text/plain; charset=utf-8`, `application/pdf`, `text/csv`,
 * …) or as the multipart field `file`, up to 10 MB. The routes that use this are exempt from the
 * global JSON parser (RAW_BODY_PATHS), so the stream is still unread here.
 */
export async function readDocumentBody(req: Request, res: Response): Promise<DocumentBody> {
  const type = req.headers['content-type'];
  if (req.is('multipart/form-data')) {
    try {
      await run(multipartParser, req, res);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw tooLarge();
      throw new ApiError(400, 'BAD_REQUEST', `The multipart body could not be read: ${(err as Error).message}`, [{ path: 'file', message: 'send the document as the one field `file`' }]);
    }
    const file = (req as Request & { file?: { buffer: Buffer; mimetype: string; originalname: string } }).file;
    if (!file) throw new ApiError(400, 'VALIDATION_FAILED', 'The multipart body has no field `file`', [{ path: 'file', message: 'required' }]);
    return { bytes: file.buffer, contentType: file.mimetype, filename: file.originalname };
  }
  if (type && !req.is(DOCUMENT_TYPES)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the document as text/plain; charset=utf-8, text/csv, application/pdf or multipart/form-data (field file); got ${type}`);
  }
  await run(rawParser, req, res); // body-parser errors (too large…) are mapped by the exception filter
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return { bytes, contentType: type };
}

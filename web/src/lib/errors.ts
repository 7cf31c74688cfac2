// Error codes (docs/error-codes.md) explained in plain words for the UI.
const PLAIN: Record<string, string> = {
  FILE_NOT_FOUND: 'The file was not found. It may have been moved or deleted.',
  FILE_UNREADABLE: 'The file exists but could not be read (check its permissions).',
  EPUB_NOT_ZIP: 'This is not an EPUB: the file is not a ZIP archive.',
  EPUB_ZIP_TRUNCATED: 'The file is incomplete, probably a partial download.',
  EPUB_ZIP_CORRUPT: 'Part of the archive is damaged.',
  EPUB_ZIP_BOMB: 'The archive expands to an unreasonable size, so it was not opened.',
  EPUB_NO_CONTAINER: 'The EPUB is missing META-INF/container.xml, so its contents cannot be found.',
  EPUB_NO_OPF: 'The EPUB has no package document (OPF) listing its chapters.',
  EPUB_MISSING_SPINE_ITEM: 'A chapter listed in the book is missing from the file.',
  EPUB_MALFORMED_XML: 'A required XML file in the EPUB is malformed.',
  EPUB_UNKNOWN_ENCODING: 'A chapter uses a text encoding epubtok does not know.',
  EPUB_DRM: 'The book is protected by DRM, so its text cannot be read.',
  EPUB_EMPTY: 'The book contains no text to count.',
  EPUB_TOO_LARGE: 'The book’s text is larger than the size limit for this job.',
  UNKNOWN_TOKENIZER: 'One of the chosen tokenizers is not known to the server.',
  VOCAB_MISSING: 'A tokenizer’s vocabulary file is not installed on the server.',
  VOCAB_CORRUPT: 'A tokenizer’s vocabulary file is damaged.',
  INVALID_ARGUMENT: 'The request was not acceptable.',
  INVALID_JSON: 'The file is not valid JSON.',
  INVALID_SCHEMA: 'The document does not match the results schema.',
  INVALID_PATH: 'That path is not acceptable.',
  PATH_OUTSIDE_LIBRARY: 'That path is outside the library folders this server may read.',
  JOB_NOT_FOUND: 'No job has that id. It may have been deleted or expired.',
  JOB_FINISHED: 'The job has already finished.',
  CANCELLED: 'Cancelled.',
  JOB_RUNNING: 'The job is still queued or running: cancel it first.',
  QUEUE_FULL: 'Too many jobs are waiting. Try again when some have finished.',
  PAYLOAD_TOO_LARGE: 'The file or request is larger than the server accepts.',
  METHOD_NOT_ALLOWED: 'The server does not accept that request here.',
  NOT_FOUND: 'The server has nothing at that address.',
  HOST_NOT_ALLOWED: 'The server only answers requests addressed to localhost.',
  INTERNAL: 'Something went wrong inside epubtok.',
  IO_ERROR: 'Reading or writing a file failed.',
  TIMEOUT: 'The server took too long to answer.',
  NETWORK: 'The server could not be reached.',
};

/** A sentence for users; falls back to the server's own message. */
export function explainError(code: string | undefined, message?: string): string {
  return (code && PLAIN[code]) || message || 'Unknown error.';
}

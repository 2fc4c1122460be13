import type { IncomingMessage } from 'node:http'
import busboy from 'busboy'
import { RelayError } from '../errors'

/** A multipart body read with its one file field held in memory (bounded). */
export interface MultipartForm {
  /** The file field's bytes, name and declared type (the type is the client's word, not trusted). */
  file: { bytes: Buffer; filename: string; mimeType: string } | null
  fields: Record<string, string>
}

/**
 * Reads a `multipart/form-data` request with busboy: the file in field `fileField` (at most
 * `maxBytes`, else 413), up to 10 short text fields. Anything else — another content type, a
 * broken body, a second file — is refused with a 4xx RelayError.
 */
export function readMultipart(
  req: IncomingMessage,
  fileField: string,
  maxBytes: number,
): Promise<MultipartForm> {
  const type = req.headers['content-type'] ?? ''
  if (!/^multipart\/form-data\b/i.test(type)) {
    return Promise.reject(
      new RelayError(415, 'unsupported_media_type', 'Content-Type must be multipart/form-data'),
    )
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
      })
    } catch {
      reject(new RelayError(400, 'invalid_multipart', 'Malformed multipart/form-data header'))
      return
    }
    const form: MultipartForm = { file: null, fields: {} }
    let failed = false
    const fail = (error: RelayError) => {
      if (failed) return
      failed = true
      req.unpipe(parser)
      req.resume()
      reject(error)
    }
    parser.on('file', (name, stream, info) => {
      if (name !== fileField) {
        stream.resume()
        return
      }
      const chunks: Buffer[] = []
      // A body that ends inside the file fails the file's stream too: unheard, that would end the process.
      stream.on('error', () => fail(new RelayError(400, 'invalid_multipart', 'The file part broke off')))
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () => fail(new RelayError(413, 'file_too_large', `File exceeds ${maxBytes} bytes`)))
      stream.on('end', () => {
        form.file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType }
      })
    })
    parser.on('field', (name, value) => {
      form.fields[name] = value
    })
    parser.on('filesLimit', () => fail(new RelayError(400, 'invalid_multipart', 'Only one file per request')))
    parser.on('error', () =>
      fail(new RelayError(400, 'invalid_multipart', 'Malformed multipart/form-data body')),
    )
    parser.on('close', () => {
      if (!failed) resolve(form)
    })
    req.on('error', () => fail(new RelayError(400, 'invalid_multipart', 'The request body broke off')))
    req.pipe(parser)
  })
}

import type { RelayDeps } from '../deps'
import { addRoute, type RouteTable } from '../http/router'
import type { MediaConfig } from './config'
import { MEDIA_PATH, serveMedia } from './media-url'
import type { MediaParts } from './parts'
import { transcribe } from './transcription'
import { postUpload } from './uploads'

/**
 * `POST /v1/uploads` (images for vision models), `POST /v1/audio/transcriptions` (voice input) and
 * `GET /wx/media` (an upload at a signed URL, for WeChat's media check).
 */
export function addMediaRoutes(
  table: RouteTable,
  deps: RelayDeps,
  media: MediaConfig,
  parts: MediaParts,
): void {
  addRoute(table, 'POST /v1/uploads', (req, res) => postUpload(req, res, deps, media, parts))
  addRoute(table, 'POST /v1/audio/transcriptions', (req, res) => transcribe(req, res, deps, media))
  addRoute(table, `GET ${MEDIA_PATH}`, (req, res) => serveMedia(req, res, deps))
}

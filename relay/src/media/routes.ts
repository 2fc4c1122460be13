import type { RelayDeps } from '../deps'
import { addRoute, type RouteTable } from '../http/router'
import type { MediaConfig } from './config'
import type { MediaParts } from './parts'
import { transcribe } from './transcription'
import { postUpload } from './uploads'

/** `POST /v1/uploads` (images for vision models) and `POST /v1/audio/transcriptions` (voice input). */
export function addMediaRoutes(
  table: RouteTable,
  deps: RelayDeps,
  media: MediaConfig,
  parts: MediaParts,
): void {
  addRoute(table, 'POST /v1/uploads', (req, res) => postUpload(req, res, deps, media, parts))
  addRoute(table, 'POST /v1/audio/transcriptions', (req, res) => transcribe(req, res, deps, media))
}

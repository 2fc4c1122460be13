import { type Callbacks, settle } from './callbacks'
/**
 * The preview's stand-in for WeChat's file system: files are Blobs kept in memory under
 * WeChat-style paths (`wxfile://tmp_…` for temporary files, `wxfile://usr/…` for the app's own,
 * `wx.env.USER_DATA_PATH`), and `<image src>` gets an object URL for them.
 */

/** What `wx.env.USER_DATA_PATH` is in the preview. */
export const USER_DATA_PATH = 'wxfile://usr'

const files = new Map<string, Blob>()
const urls = new Map<string, string>()
let counter = 0

/** Keeps `blob` as a new temporary file; returns its path. */
export function tempFile(blob: Blob, ext: string): string {
  counter++
  const path = `wxfile://tmp_${Date.now().toString(36)}${counter}.${ext}`
  files.set(path, blob)
  return path
}

/** The file at `path`. */
export function readBlob(path: string): Blob {
  const blob = files.get(path)
  if (!blob) throw new Error(`no such file or directory, open ${path}`)
  return blob
}

/** Writes (or replaces) the file at `path`. */
export function writeBlob(path: string, blob: Blob): void {
  files.set(path, blob)
  const old = urls.get(path)
  if (old) URL.revokeObjectURL(old)
  urls.delete(path)
}

/** Deletes the file at `path`. */
export function removeBlob(path: string): void {
  if (!files.delete(path)) throw new Error(`no such file or directory, unlink ${path}`)
  const url = urls.get(path)
  if (url) URL.revokeObjectURL(url)
  urls.delete(path)
}

/** A URL the browser can load for `src`: an object URL for a preview file, anything else as is. */
export function displayUrl(src: string): string {
  if (!src.startsWith('wxfile://')) return src
  const blob = files.get(src)
  if (!blob) return ''
  let url = urls.get(src)
  if (!url) {
    url = URL.createObjectURL(blob)
    urls.set(src, url)
  }
  return url
}

/** `wx.getFileSystemManager()`: the calls the app makes. */
export function fileSystemManager() {
  return {
    copyFile: (o: Callbacks<object> & { srcPath: string; destPath: string }) =>
      settle('copyFile', o, () => {
        writeBlob(o.destPath, readBlob(o.srcPath))
        return {}
      }),
    getFileInfo: (o: Callbacks<{ size: number }> & { filePath: string }) =>
      settle('getFileInfo', o, () => ({ size: readBlob(o.filePath).size })),
    writeFile: (o: Callbacks<object> & { filePath: string; data: string | ArrayBuffer }) =>
      settle('writeFile', o, () => {
        writeBlob(o.filePath, new Blob([o.data]))
        return {}
      }),
    readFile: (o: Callbacks<{ data: string | ArrayBuffer }> & { filePath: string; encoding?: string }) =>
      settle('readFile', o, async () => {
        const blob = readBlob(o.filePath)
        return { data: o.encoding ? await blob.text() : await blob.arrayBuffer() }
      }),
    unlinkSync: (path: string) => removeBlob(path),
    accessSync: (path: string) => void readBlob(path),
  }
}

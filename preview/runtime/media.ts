import { type Callbacks, settle } from './callbacks'
import { displayUrl, readBlob, tempFile } from './files'

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new Error('image load failed'))
    img.src = displayUrl(src)
  })
}

/** `wx.chooseMedia` (images): a file input, as a phone's album would be. */
export function chooseMedia(o: Callbacks<unknown> & { count?: number }): void {
  settle('chooseMedia', o, () => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'image/*'
    input.multiple = (o.count ?? 9) > 1
    input.className = 'wx-choose-media'
    input.style.display = 'none'
    document.body.appendChild(input)
    return new Promise((resolve, reject) => {
      input.addEventListener('change', () => {
        const picked = [...(input.files ?? [])].slice(0, o.count ?? 9)
        input.remove()
        if (picked.length === 0) return reject(new Error('cancel'))
        resolve({
          type: 'image',
          tempFiles: picked.map((file) => ({
            tempFilePath: tempFile(file, file.name.split('.').pop() || 'jpg'),
            size: file.size,
            fileType: 'image',
          })),
        })
      })
      input.addEventListener('cancel', () => {
        input.remove()
        reject(new Error('cancel'))
      })
      input.click()
    })
  })
}

/** `wx.getImageInfo`. */
export function getImageInfo(o: Callbacks<unknown> & { src: string }): void {
  settle('getImageInfo', o, async () => {
    const img = await loadImage(o.src)
    return {
      width: img.naturalWidth,
      height: img.naturalHeight,
      path: o.src,
      type: readBlob(o.src).type.split('/')[1] ?? 'jpeg',
    }
  })
}

/** `wx.compressImage` on a canvas: the target size, JPEG at the given quality. */
export function compressImage(
  o: Callbacks<unknown> & {
    src: string
    quality?: number
    compressedWidth?: number
    compressedHeight?: number
  },
): void {
  settle('compressImage', o, async () => {
    const img = await loadImage(o.src)
    const width = o.compressedWidth ?? img.naturalWidth
    const height = o.compressedHeight ?? Math.round((img.naturalHeight * width) / img.naturalWidth)
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    canvas.getContext('2d')?.drawImage(img, 0, 0, width, height)
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('encode failed'))),
        'image/jpeg',
        (o.quality ?? 80) / 100,
      ),
    )
    return { tempFilePath: tempFile(blob, 'jpg') }
  })
}

/** `wx.previewImage`: the picture full screen, a tap closes it. */
export function previewImage(o: Callbacks<unknown> & { urls: string[]; current?: string }): void {
  settle('previewImage', o, async () => {
    const layer = document.createElement('div')
    layer.className = 'wx-preview-image'
    layer.style.cssText =
      'position:fixed;inset:0;background:#000;display:flex;align-items:center;justify-content:center;z-index:1000'
    const img = document.createElement('img')
    img.src = displayUrl(o.current ?? o.urls[0] ?? '')
    img.style.cssText = 'max-width:100%;max-height:100%'
    layer.appendChild(img)
    layer.addEventListener('click', () => layer.remove())
    document.body.appendChild(layer)
    return {}
  })
}

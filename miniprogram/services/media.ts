import type { MessageImage } from '../lib/chat/index'
import { fitLongSide } from '../lib/media/image-size'
import { withPrivacy } from './privacy'
import { toast } from './ui'

/** How many photos one question may carry. */
export const MAX_IMAGES = 3

/** A wx API with success/fail → a promise (rejecting with WeChat's error object). */
function call<T>(run: (cb: { success: (r: T) => void; fail: (e: unknown) => void }) => void): Promise<T> {
  return new Promise((resolve, reject) => run({ success: resolve, fail: reject }))
}

/** The user cancelled a picker: not an error. */
function cancelled(error: unknown): boolean {
  return /cancel/i.test((error as { errMsg?: string } | undefined)?.errMsg ?? '')
}

/** Downscales (long side ≤ 1,536 px) and recompresses one picked photo, then keeps it as the app's own file. */
async function prepare(tempPath: string): Promise<MessageImage> {
  const info = await call<WechatMiniprogram.GetImageInfoSuccessCallbackResult>((cb) =>
    wx.getImageInfo({ src: tempPath, ...cb }),
  )
  const size = fitLongSide(info.width, info.height)
  const compressed = await call<WechatMiniprogram.CompressImageSuccessCallbackResult>((cb) =>
    wx.compressImage({
      src: tempPath,
      quality: 80,
      compressedWidth: size.width,
      compressedHeight: size.height,
      ...cb,
    }),
  )
  const fs = wx.getFileSystemManager()
  const path = `${wx.env.USER_DATA_PATH}/img-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.jpg`
  await call((cb) => fs.copyFile({ srcPath: compressed.tempFilePath, destPath: path, ...cb }))
  const stat = await call<WechatMiniprogram.GetFileInfoSuccessCallbackResult>((cb) =>
    fs.getFileInfo({ filePath: path, ...cb }),
  )
  return { path, width: size.width, height: size.height, bytes: stat.size }
}

/**
 * Lets the user pick up to `count` photos (album or camera) and prepares them for upload.
 * Resolves [] when the user cancels or declined the privacy guide (told why); rejects with a
 * Chinese message when a photo could not be read.
 */
export async function chooseImages(count: number): Promise<MessageImage[]> {
  if (count <= 0) {
    toast(`最多添加 ${MAX_IMAGES} 张图片`)
    return []
  }
  let picked: WechatMiniprogram.ChooseMediaSuccessCallbackResult | undefined
  try {
    picked = await withPrivacy(
      () =>
        call<WechatMiniprogram.ChooseMediaSuccessCallbackResult>((cb) =>
          wx.chooseMedia({
            count,
            mediaType: ['image'],
            sourceType: ['album', 'camera'],
            sizeType: ['compressed'],
            ...cb,
          }),
        ),
      toast,
    )
  } catch (error) {
    if (cancelled(error)) return []
    throw new Error('无法打开相册或相机')
  }
  if (!picked) return []
  try {
    return await Promise.all(picked.tempFiles.map((file) => prepare(file.tempFilePath)))
  } catch {
    throw new Error('图片处理失败，请换一张试试')
  }
}

/** Shows a question's photos full screen. */
export function previewImages(paths: string[], current: string): void {
  wx.previewImage({ urls: paths, current })
}

/** Deletes photo files (with their conversation); files already gone are fine. */
export function removeImageFiles(paths: readonly string[]): void {
  if (paths.length === 0) return
  const fs = wx.getFileSystemManager()
  for (const filePath of paths) {
    try {
      fs.unlinkSync(filePath)
    } catch {
      // Already gone.
    }
  }
}

import type { ChatRequestBody } from '../hooks'
import { type ImageFacts, sniffImage } from '../media/sniff'
import type { DemoAnswer } from './answers'

/** One image the demo received: what its bytes say. */
export interface ReceivedImage extends ImageFacts {
  bytes: number
}

const DATA_URL = /^data:[\w/+.-]+;base64,/

/**
 * The images of the newest user message, as the relay inlined them (`data:` URLs): the demo reads
 * their headers, nothing more. Photos left out of the context ("[图片]") are not counted.
 */
export function receivedImages(body: ChatRequestBody): ReceivedImage[] {
  const newest = [...body.messages].reverse().find((message) => message.role === 'user')
  if (!newest || !Array.isArray(newest.content)) return []
  const images: ReceivedImage[] = []
  for (const part of newest.content as Array<{ type?: unknown; image_url?: { url?: unknown } }>) {
    const url = part.type === 'image_url' ? part.image_url?.url : undefined
    if (typeof url !== 'string' || !DATA_URL.test(url)) continue
    const data = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')
    const facts = sniffImage(data)
    if (facts) images.push({ ...facts, bytes: data.length })
  }
  return images
}

const FORMAT: Record<ImageFacts['type'], string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
}

/**
 * The demo's honest answer to a question with photos: how many, each one's size in pixels
 * (`37×23`), bytes and format, and that it cannot see what they show.
 */
export function imageAnswer(images: readonly ReceivedImage[], question: string): DemoAnswer {
  const lines = images.map(
    (image, i) => `${i + 1}. ${image.width}×${image.height} 像素，${FORMAT[image.type]}，${image.bytes} 字节`,
  )
  const asked = question.trim() === '' ? '' : `你的问题是「${question.trim().slice(0, 40)}」。`
  return {
    reasoning: `用户发来了 ${images.length} 张图片。演示模型只能读取图片文件头里的尺寸和格式，看不到画面内容，应如实说明。`,
    content: `## 收到 ${images.length} 张图片

${lines.join('\n')}

${asked}我是**演示模型**，只能读出图片的尺寸、大小和格式，**看不到图片里的内容**，所以无法描述或回答关于画面的问题。

> 配置支持图片的真实模型（\`RELAY_VISION_MODELS\`）后，即可让模型看图回答。`,
  }
}

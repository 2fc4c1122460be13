import type { SseEvent } from '../../miniprogram/lib/stream'
import { decodeSse, type SseRecord, splitAt, splitEvery, utf8 } from './helpers'

/**
 * The web-platform-tests `eventsource/format-*` cases, ported as data: each
 * test's response body (what its `message.py` / `last-event-id*.py` resource
 * sends, including the resource's trailing newlines) and the events, retry
 * values and comments a conforming parser reports. Reconnection and MIME checks
 * are HTTP-level and have no counterpart in a byte decoder.
 */
interface FormatCase {
  name: string
  body: string
  events: SseEvent[]
  retries?: number[]
  comments?: string[]
}

function ev(data: string, lastEventId = '', type = 'message'): SseEvent {
  return { type, data, lastEventId }
}

const long = 'x'.repeat(2048)

const CASES: FormatCase[] = [
  { name: 'format-bom', body: '\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n\n', events: [ev('1'), ev('3')] },
  { name: 'format-bom-2', body: '\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n\n', events: [ev('2'), ev('3')] },
  {
    name: 'format-comments',
    body: `data:1\r:\0\n:\r\ndata:2\n:${long}\rdata:3\n:data:fail\r:${long}\ndata:4\n\n`,
    events: [ev('1\n2\n3\n4')],
    comments: ['\0', '', long, 'data:fail', long],
  },
  {
    name: 'format-data-before-final-empty-line',
    body: 'retry:1000\ndata:test1\n\nid:test\ndata:test2\n',
    events: [ev('test1')],
    retries: [1000],
  },
  {
    name: 'format-field-data',
    body: 'data:\n\ndata\ndata\n\ndata:test\n\n\n',
    events: [ev(''), ev('\n'), ev('test')],
  },
  {
    name: 'format-field-event',
    body: 'event:test\ndata:x\n\ndata:x\n\n\n',
    events: [ev('x', '', 'test'), ev('x')],
  },
  { name: 'format-field-event-empty', body: 'event: \ndata:data\n\n\n', events: [ev('data')] },
  {
    name: 'format-field-id',
    body: 'id: …\nretry: 200\ndata: hello\n\n',
    events: [ev('hello', '…')],
    retries: [200],
  },
  {
    // The non-ASCII id keeps applying to the events after it.
    name: 'format-field-id-2',
    body: 'id: …\nretry: 200\ndata: hello\n\ndata: …\n\ndata: …\n\n',
    events: [ev('hello', '…'), ev('…', '…'), ev('…', '…')],
    retries: [200],
  },
  {
    name: 'format-field-id-3 (persists)',
    body: 'id: 1\ndata: 1\n\ndata:2\n\n',
    events: [ev('1', '1'), ev('2', '1')],
  },
  {
    name: 'format-field-id-3 (changes and persists)',
    body: 'id: 1\ndata: 1\n\nid: 2\ndata:2\n\ndata:3\n\n',
    events: [ev('1', '1'), ev('2', '2'), ev('3', '2')],
  },
  {
    name: 'format-field-id-3 (resets)',
    body: 'id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n',
    events: [ev('1', '1'), ev('2'), ev('3')],
  },
  {
    name: 'format-field-id-3 (resets, id without colon)',
    body: 'id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n',
    events: [ev('1', '1'), ev('2'), ev('3')],
  },
  ...['\0\0', 'x\0', '\0x', 'x\0x', ' \0'].map((id) => ({
    name: `format-field-id-null (${JSON.stringify(id)})`,
    body: `id: ${id}\nretry: 200\ndata: hello\n\n`,
    events: [ev('hello')],
    retries: [200],
  })),
  {
    // An id with NUL is ignored, not a reset: the previous id stays.
    name: 'format-field-id-null after a valid id',
    body: 'id: 1\ndata: a\n\nid: x\0\ndata: hello\n\n',
    events: [ev('a', '1'), ev('hello', '1')],
  },
  {
    name: 'format-field-parsing',
    body: 'data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n',
    events: [ev('\0\n 2\n1\n3\n\n4')],
  },
  { name: 'format-field-retry', body: 'retry:03000\ndata:x\n\n\n', events: [ev('x')], retries: [3000] },
  {
    name: 'format-field-retry-bogus',
    body: 'retry:3000\nretry:1000x\ndata:x\n\n\n',
    events: [ev('x')],
    retries: [3000],
  },
  { name: 'format-field-retry-empty', body: 'retry\ndata:test\n\n\n', events: [ev('test')], retries: [] },
  {
    name: 'format-field-unknown',
    body: 'data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n\n',
    events: [ev('test\n\ntest')],
    comments: ['thisisacommentyay'],
  },
  {
    name: 'format-leading-space',
    body: 'data:\ttest\rdata: \ndata:test\n\n\n',
    events: [ev('\ttest\n\ntest')],
  },
  { name: 'format-newlines', body: 'data:test\r\ndata\ndata:test\r\n\r\n', events: [ev('test\n\ntest')] },
  { name: 'format-null-character', body: 'data:\0\n\n\n\n', events: [ev('\0')] },
  { name: 'format-utf-8', body: 'data:ok…\n\n\n', events: [ev('ok…')] },
  // Beyond WPT: chunk-boundary and end-of-stream cases a byte decoder must get right.
  { name: 'CRLF is one line end', body: 'data:a\r\ndata:b\r\n\r\n', events: [ev('a\nb')] },
  { name: 'CR only line ends', body: 'data:a\rdata:b\r\rdata:c\r\r', events: [ev('a\nb'), ev('c')] },
  { name: 'a final CR is a complete blank line', body: 'data:a\n\r', events: [ev('a')] },
  { name: 'pending data at the end is discarded', body: 'data:a\ndata:b\n', events: [] },
  {
    name: 'text that looks like a BOM decoded as Latin-1 is text',
    body: 'ï»¿data:1\n\ndata:2\n\n',
    events: [ev('2')],
  },
  { name: 'Chinese and emoji data', body: 'data: 你好😊\ndata:🇨🇳中文\n\n', events: [ev('你好😊\n🇨🇳中文')] },
]

function expectRecord(record: SseRecord, c: FormatCase): void {
  expect(record.events).toEqual(c.events)
  expect(record.retries).toEqual(c.retries ?? record.retries)
  expect(record.comments).toEqual(c.comments ?? record.comments)
}

describe.each(CASES)('$name', (c) => {
  const bytes = utf8(c.body)

  it('parses the whole body', () => {
    const record = decodeSse([bytes])
    expectRecord(record, c)
    if (c.retries) expect(record.retries).toEqual(c.retries)
  })

  it('parses it split in two at every byte position', () => {
    for (let cut = 0; cut <= bytes.length; cut++) expectRecord(decodeSse(splitAt(bytes, [cut])), c)
  })

  it('parses it one byte at a time', () => {
    expectRecord(decodeSse(splitEvery(bytes, 1)), c)
  })
})

describe('known deviation inherited from eventsource-parser', () => {
  // The spec sets the last event ID even when a block has no data and is not
  // dispatched; eventsource-parser forgets such an id. Chat streams never send
  // data-less ids, so this is documented rather than patched around.
  it.failing('an id in a block without data applies to later events', () => {
    expect(decodeSse([utf8('id: 7\n\ndata: x\n\n')]).events).toEqual([ev('x', '7')])
  })
})

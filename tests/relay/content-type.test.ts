import { request, startTestRelay, type TestRelay, userMessage } from './helpers'

let relay: TestRelay
beforeAll(async () => {
  relay = await startTestRelay()
})
afterAll(() => relay.close())

const post = (type: string | null) =>
  request(`${relay.url}/v1/chat/completions`, {
    method: 'POST',
    headers: type === null ? {} : { 'Content-Type': type },
    body: JSON.stringify(userMessage('hi')),
  })

describe('JSON routes take only application/json', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['no type', null],
    ['a lookalike', 'application/jsonp'],
  ])('%s is a 415 (a web page can send it cross-origin without asking)', async (_name, type) => {
    const res = await post(type)
    expect(res.status).toBe(415)
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'unsupported_media_type' })
  })

  it('application/json, with or without a charset, is answered', async () => {
    expect((await post('application/json')).status).toBe(200)
    expect((await post('Application/JSON; charset=utf-8')).status).toBe(200)
  })
})

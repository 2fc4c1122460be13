/** @jest-environment jsdom */
/**
 * WeChat's privacy authorization before a privacy API (the clipboard here), with a `wx` double that
 * behaves as the base library documents: the API waits, `onNeedPrivacyAuthorization` gets a
 * `resolve`, and a `disagree` fails the API with errno 104.
 */
import { installPrivacyHandler, PRIVACY_DECLINED } from '../../miniprogram/services/privacy'
import { copyText } from '../../miniprogram/services/ui'
import { find, mount, sleep, tap, unmountAll, waitFor } from '../support/simulate'
import { type InstalledWx, installWx } from '../support/wx-request-double'
import './wcc-hints'

type Answer = { event: string; buttonId?: string }

/** The base library's side: whether the user agreed, and every answer the app gave. */
function privacyDouble(authorized = false) {
  let listener: ((resolve: (a: Answer) => void) => void) | undefined
  const answers: Answer[] = []
  const copied: string[] = []
  return {
    answers,
    copied,
    wx: {
      onNeedPrivacyAuthorization: (cb: typeof listener) => {
        listener = cb
      },
      setClipboardData: (o: { data: string; success?: () => void; fail?: (e: unknown) => void }) => {
        const run = () => {
          copied.push(o.data)
          o.success?.()
        }
        if (authorized) {
          setTimeout(run, 0)
          return
        }
        listener?.((answer) => {
          answers.push(answer)
          if (answer.event === 'agree') {
            authorized = true
            setTimeout(run, 0)
          } else if (answer.event === 'disagree') {
            setTimeout(
              () =>
                o.fail?.({
                  errno: 104,
                  errMsg: 'setClipboardData:fail privacy permission is not authorized',
                }),
              0,
            )
          }
        })
      },
    },
  }
}

let installed: InstalledWx
afterEach(() => {
  unmountAll()
  installed.uninstall()
})

test('granted: the popup shows, agreeing lets the copy through, and later copies need no question', async () => {
  const privacy = privacyDouble()
  installed = installWx(privacy.wx)
  installPrivacyHandler()
  const popup = mount('components/privacy-popup/index')
  const copying = copyText('答案')
  await waitFor(() => find(popup, '.privacy') !== undefined, 'the popup')
  // What WeChat's open-type="agreePrivacyAuthorization" button fires when tapped.
  find(popup, '.privacy-agree')?.dispatchEvent('agreeprivacyauthorization')
  await expect(copying).resolves.toBe(true)
  expect(privacy.answers).toEqual([
    { event: 'exposureAuthorization' },
    { event: 'agree', buttonId: 'privacy-agree' },
  ])
  expect(find(popup, '.privacy')).toBeUndefined()
  await expect(copyText('第二次')).resolves.toBe(true)
  expect(privacy.copied).toEqual(['答案', '第二次'])
})

test('declined: nothing is copied, the user reads why, and nothing throws', async () => {
  const privacy = privacyDouble()
  installed = installWx(privacy.wx)
  installPrivacyHandler()
  const popup = mount('components/privacy-popup/index')
  const copying = copyText('答案')
  await waitFor(() => find(popup, '.privacy') !== undefined, 'the popup')
  tap(popup, '.privacy-decline')
  await expect(copying).resolves.toBe(false)
  expect(privacy.copied).toEqual([])
  expect(installed.recorded.showToast).toEqual([expect.objectContaining({ title: PRIVACY_DECLINED })])
})

test('no page can ask: the request is declined at once instead of leaving the API hanging', async () => {
  const privacy = privacyDouble()
  installed = installWx(privacy.wx)
  installPrivacyHandler()
  await expect(copyText('答案')).resolves.toBe(false)
  expect(privacy.answers).toEqual([{ event: 'disagree' }])
})

test('old base libraries (no onNeedPrivacyAuthorization): the copy simply goes through', async () => {
  installed = installWx()
  installPrivacyHandler()
  await expect(copyText('答案', '已复制')).resolves.toBe(true)
  await sleep(5)
  expect(installed.recorded.setClipboardData).toEqual([expect.objectContaining({ data: '答案' })])
  expect(installed.recorded.showToast).toEqual([expect.objectContaining({ title: '已复制' })])
})

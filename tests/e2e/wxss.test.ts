import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileWxss, rpxToPx, scopeClasses, viewportToContainer } from '../../preview/wxss'

// WXSS → browser CSS for the preview (pure string work; the browser tests check the result on screen).

test('rpx is converted for the 375-px frame', () => {
  expect(rpxToPx('a { margin: 20rpx -3rpx 0.5rpx; width: 750rpx }')).toBe(
    'a { margin: 10px -1.5px 0.25px; width: 375px }',
  )
})

test('vh/vw become container units of the page area', () => {
  expect(viewportToContainer('.a { height: 100vh; width: 50vw }')).toBe('.a { height: 100cqh; width: 50cqw }')
})

test('class selectors are scoped, declarations and at-rule preludes are not', () => {
  const css = '.a, view.b > .c-d { width: .5em }\n@media (prefers-color-scheme: dark) { .a { color: #fff } }'
  expect(scopeClasses(css, 's1')).toBe(
    '.s1--a, view.s1--b > .s1--c-d { width: .5em }\n@media (prefers-color-scheme: dark) { .s1--a { color: #fff } }',
  )
  expect(scopeClasses(css, undefined)).toBe(css)
})

test('@import is inlined once, relative to the importing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxss-'))
  writeFileSync(join(dir, 'common.wxss'), '.x { padding: 10rpx }\n')
  writeFileSync(
    join(dir, 'index.wxss'),
    '@import "common.wxss";\n@import "./common.wxss";\n.y { margin: 2rpx }\n',
  )
  expect(compileWxss(join(dir, 'index.wxss'), 'q')).toBe(
    '.q--x { padding: 5px }\n\n\n.q--y { margin: 1px }\n',
  )
})

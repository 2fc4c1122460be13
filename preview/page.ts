/** The preview's HTML: a 375-px phone frame with a navigation bar, page host and built-in component styles. */
export const INDEX_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI 对话 · 预览</title>
<link rel="stylesheet" href="/preview.css">
</head>
<body>
<div id="wx-phone">
  <div id="wx-nav"><span id="wx-nav-back" aria-label="返回">‹</span><span id="wx-nav-title"></span></div>
  <div id="wx-pages"></div>
</div>
<script src="/config.js"></script>
<script src="/bundle.js"></script>
</body>
</html>
`

/** Frame and built-in component styles (WeChat-like defaults for the web versions of built-ins). */
export const PREVIEW_CSS = `
html, body { margin: 0; height: 100%; background: #e9e9ef; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
html.dark, html.dark body { background: #000; }
#wx-phone { position: relative; width: 375px; height: min(100vh, 812px); margin: 0 auto; display: flex; flex-direction: column; overflow: hidden; background: #fff; box-shadow: 0 0 24px rgba(0,0,0,.15); }
@media (max-width: 420px) { #wx-phone { width: 100vw; height: 100vh; box-shadow: none; } }
#wx-nav { flex: none; height: 44px; display: flex; align-items: center; justify-content: center; position: relative; font-size: 17px; font-weight: 600; }
#wx-nav-back { position: absolute; left: 12px; font-size: 28px; cursor: pointer; visibility: hidden; }
#wx-pages { position: relative; flex: 1; overflow: hidden; container-type: size; transform: translateZ(0); }
.wx-page-frame { position: absolute; inset: 0; overflow-y: auto; }
page { display: block; min-height: 100%; }
view, scroll-view, swiper, form, picker, navigator, rich-text { display: block; }
text, icon, label { display: inline; }
[hidden] { display: none !important; }
image { display: inline-block; width: 320px; height: 240px; overflow: hidden; }
image[wx-width-fix] { height: auto; }
scroll-view { -webkit-overflow-scrolling: touch; }
textarea, input { font: inherit; color: inherit; background: transparent; border: 0; outline: none; padding: 0; margin: 0; box-sizing: border-box; display: block; }
textarea { height: 150px; resize: none; }
textarea[wx-fill], input[wx-fill] { width: -webkit-fill-available; }
textarea::placeholder, input::placeholder { color: #999; }
button { position: relative; display: block; box-sizing: border-box; margin: 0 auto; padding: 0 14px; font: inherit; font-size: 18px; font-weight: 600; line-height: 2.55; border-radius: 5px; border: 0; color: #000; background: #f2f2f2; cursor: pointer; -webkit-tap-highlight-color: transparent; }
button[wx-type=primary] { color: #fff; background: #07c160; }
button[wx-type=warn] { color: #fff; background: #fa5151; }
button[wx-size=mini] { display: inline-block; font-size: 13px; line-height: 2.3; padding: 0 1.34em; }
button[wx-plain] { background: transparent; border: 1px solid currentColor; }
button[disabled] { opacity: .5; pointer-events: none; }
button[wx-loading]::before { content: "◌ "; }
switch { display: inline-block; width: 52px; height: 32px; border-radius: 16px; background: #dfdfdf; position: relative; cursor: pointer; vertical-align: middle; transition: background .2s; }
switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 28px; height: 28px; border-radius: 50%; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); transition: left .2s; }
switch[wx-checked] { background: #07c160; }
switch[wx-checked]::after { left: 22px; }
slider { display: block; margin: 10px 18px; }
slider input { width: 100%; }
.wx-toast { position: absolute; left: 50%; top: 45%; transform: translate(-50%, -50%); min-width: 120px; max-width: 260px; padding: 14px 16px; border-radius: 10px; background: rgba(17,17,17,.85); color: #fff; text-align: center; font-size: 15px; z-index: 1000; }
.wx-toast-icon { font-size: 36px; line-height: 1.2; }
.wx-mask { position: absolute; inset: 0; background: rgba(0,0,0,.55); display: flex; align-items: center; justify-content: center; z-index: 1000; }
.wx-mask-bottom { align-items: flex-end; }
.wx-modal { width: 300px; border-radius: 12px; background: #fff; color: #000; text-align: center; overflow: hidden; }
.wx-modal-title { padding: 28px 24px 8px; font-size: 17px; font-weight: 600; }
.wx-modal-content { padding: 0 24px 24px; color: rgba(0,0,0,.55); font-size: 16px; white-space: pre-wrap; word-break: break-word; }
.wx-modal-input { display: block; width: calc(100% - 48px); height: 80px; margin: 8px 24px 24px; padding: 8px; border-radius: 6px; background: #f5f5f5; text-align: left; }
.wx-modal-buttons { display: flex; border-top: 1px solid rgba(0,0,0,.1); }
.wx-modal-buttons button { flex: 1; margin: 0; border-radius: 0; background: transparent; font-size: 17px; line-height: 56px; padding: 0; }
.wx-modal-confirm { color: #576b95 !important; }
.wx-sheet { width: 100%; background: #f7f7f7; border-radius: 12px 12px 0 0; overflow: hidden; }
.wx-sheet-item { width: 100%; border-radius: 0; background: #fff; font-weight: 400; font-size: 17px; line-height: 56px; border-bottom: 1px solid rgba(0,0,0,.06); }
.wx-sheet-cancel { margin-top: 8px; }
html.dark #wx-phone { background: #111; }
html.dark .wx-modal, html.dark .wx-sheet-item { background: #2c2c2c; color: #fff; }
html.dark .wx-modal-content { color: rgba(255,255,255,.6); }
html.dark .wx-modal-input { background: #1e1e1e; }
html.dark button { background: #2c2c2c; color: #fff; }
html.dark button[wx-type=primary] { background: #07c160; }
`

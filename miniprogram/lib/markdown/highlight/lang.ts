/** Aliases of the info-string word to the highlighter's language id. */
const ALIASES: Record<string, string> = {
  js: 'js',
  javascript: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  node: 'js',
  ts: 'ts',
  typescript: 'ts',
  tsx: 'ts',
  py: 'python',
  python: 'python',
  python3: 'python',
  json: 'json',
  jsonc: 'json',
  json5: 'json',
  sh: 'bash',
  bash: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  shellscript: 'bash',
  go: 'go',
  golang: 'go',
  java: 'java',
  kotlin: 'java',
  kt: 'java',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cs: 'cpp',
  csharp: 'cpp',
  rust: 'cpp',
  rs: 'cpp',
  swift: 'cpp',
  sql: 'sql',
  mysql: 'sql',
  postgresql: 'sql',
  sqlite: 'sql',
  html: 'html',
  xml: 'html',
  wxml: 'html',
  vue: 'html',
  svg: 'html',
  css: 'css',
  wxss: 'css',
  scss: 'css',
  less: 'css',
}

/** The language id for a fence info string's first word ('' when unknown or empty). */
export function normalizeLang(word: string): string {
  return ALIASES[word.toLowerCase()] ?? ''
}

/**
 * Language id and header label from a fence info string such as
 * "Python title=x": the label keeps the word as written, "代码" when empty.
 */
export function fenceLanguage(info: string): { lang: string; label: string } {
  const word = info.trim().split(/\s+/)[0] ?? ''
  return { lang: normalizeLang(word), label: word === '' ? '代码' : word }
}

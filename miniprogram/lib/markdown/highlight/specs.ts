/** What a language's tokenizer needs to know; one small table per language. */
export interface LangSpec {
  keywords: ReadonlySet<string>
  types?: ReadonlySet<string>
  /** Keywords match case-insensitively (SQL). */
  ignoreCase?: boolean
  /** Identifiers starting with a capital letter are types (Java, Go, TS). */
  capitalTypes?: boolean
  lineComment?: readonly string[]
  /** `#` starts a comment only at a word start (shell: `$#`, `a#b` are not comments). */
  hashAtWordStart?: boolean
  blockComment?: readonly [string, string]
  /** Quote chars of one-line strings. */
  quotes: string
  /** Python `"""` / `'''` strings span lines. */
  tripleQuotes?: boolean
  /** Backtick strings span lines (JS templates, Go raw strings). */
  backtick?: boolean
  /** Identifiers may contain `-` (CSS properties). */
  dashIdent?: boolean
  /** `@name` and `$name` are highlighted as types (decorators, shell variables, at-rules). */
  sigils?: string
  /** Markup: `<tag attr="v">` and `<!-- -->`. */
  markup?: boolean
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '))

const JS_KEYWORDS =
  'break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return super switch this throw try typeof var void while with yield async await static get set true false null undefined'

const C_FAMILY =
  'auto break case catch char class const continue default delete do double else enum extends final finally float for goto if implements import include define int interface long namespace new package private protected public return short signed sizeof static struct super switch template this throw throws try typedef typename union unsigned using virtual void volatile while true false null nullptr NULL fn let mut impl pub use mod match trait where self Self var val fun when override func guard'

/** Specs by normalized language id (see lang.ts). */
export const SPECS: Record<string, LangSpec> = {
  js: {
    keywords: words(JS_KEYWORDS),
    capitalTypes: true,
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    backtick: true,
  },
  ts: {
    keywords: words(
      `${JS_KEYWORDS} type interface enum implements private public protected readonly declare namespace abstract as is keyof infer satisfies`,
    ),
    types: words('string number boolean any unknown never object symbol bigint'),
    capitalTypes: true,
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    backtick: true,
  },
  python: {
    keywords: words(
      'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self',
    ),
    types: words('int float str bool list dict set tuple bytes object type print len range'),
    lineComment: ['#'],
    quotes: '\'"',
    tripleQuotes: true,
    sigils: '@',
  },
  json: { keywords: words('true false null'), quotes: '"' },
  bash: {
    keywords: words(
      'if then else elif fi for while until do done case esac function in return export local readonly echo cd exit source sudo set unset',
    ),
    lineComment: ['#'],
    hashAtWordStart: true,
    quotes: '\'"',
    dashIdent: true,
    sigils: '$',
  },
  go: {
    keywords: words(
      'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var true false nil iota',
    ),
    types: words(
      'string int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 float32 float64 bool byte rune error any',
    ),
    capitalTypes: true,
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    backtick: true,
  },
  java: {
    keywords: words(C_FAMILY),
    types: words('int long short byte char boolean float double void String Integer List Map'),
    capitalTypes: true,
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    sigils: '@',
  },
  c: {
    keywords: words(C_FAMILY),
    types: words('int char float double void long short size_t uint8_t uint32_t int32_t int64_t bool FILE'),
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    sigils: '#',
  },
  cpp: {
    keywords: words(C_FAMILY),
    types: words(
      'int char float double void long short size_t bool string vector map auto std i32 i64 u8 u32 u64 f64 usize String Vec',
    ),
    capitalTypes: true,
    lineComment: ['//'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    sigils: '#',
  },
  sql: {
    keywords: words(
      'select from where and or not insert into values update set delete create table drop alter add index on join left right inner outer full group by order having limit offset as distinct union all null is in like between case when then else end primary key foreign references default exists count sum avg min max asc desc',
    ),
    types: words(
      'int integer bigint varchar char text date datetime timestamp boolean float double decimal serial',
    ),
    ignoreCase: true,
    lineComment: ['--'],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
  },
  html: { keywords: words(''), quotes: '\'"', markup: true },
  css: {
    keywords: words('important inherit initial none auto'),
    lineComment: [],
    blockComment: ['/*', '*/'],
    quotes: '\'"',
    dashIdent: true,
    sigils: '@',
  },
}

/**
 * WXML of the preview's web versions of WeChat built-in components. Compiled by preview/build.ts with the
 * app's own templates. Components whose host element is already the right HTML element (textarea, input,
 * button) or that render by hand (switch, slider, rich-text) have no inner template; `<slot/>` keeps children.
 */
export const BUILTIN_TEMPLATES: Record<string, string> = {
  'scroll-view': '<slot />',
  button: '<slot />',
  navigator: '<slot />',
  picker: '<slot />',
  textarea: '',
  input: '',
  switch: '',
  slider: '',
  'rich-text': '',
  icon: '<span style="{{_style}}">{{_glyph}}</span>',
  image: '<img src="{{_src}}" style="{{_imgStyle}}" draggable="false" />',
}

/** Component path of a built-in inside the preview's code space. */
export function builtinPath(tag: string): string {
  return `wx-builtin/${tag}`
}

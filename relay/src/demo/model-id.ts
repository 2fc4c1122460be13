/** The built-in demo model's id: the default when no upstream is configured. */
export const DEMO_MODEL = 'demo'

import { type AppInfo, modelLine, takesImages } from './app-info'
import { type Consent, consentFor, consentNeeded } from './consent'

/** The chat page's data that comes from the service information and the user's consent. */
export interface ServiceView {
  aiLabel: string
  modelLine: string
  serviceName: string
  canAttach: boolean
  consentNeeded: boolean
  consentReady: boolean
  consentUpdated: boolean
}

/** What the chat page shows of the service for the active model and the consent given so far. */
export function serviceView(info: AppInfo, model: string, consent: Consent | null): ServiceView {
  return {
    aiLabel: info.aiLabel,
    modelLine: modelLine(info, model),
    serviceName: info.service.name,
    canAttach: takesImages(info, model),
    consentNeeded: consentNeeded(consent, info),
    consentReady: consentFor(info) !== null,
    consentUpdated: consent !== null,
  }
}

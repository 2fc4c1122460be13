/** Project-wide globals. wx types come from miniprogram-api-typings. */
interface IAppOption {
  globalData: Record<string, never>
}

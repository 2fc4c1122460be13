/**
 * The user agreement and privacy policy a fork starts from. Every 【…】 is a placeholder the
 * deployer fills in (or replaces the whole text through RELAY_APP_INFO_FILE); the app shows these
 * texts as served, so they change without a new app version.
 */

/** Version of the built-in texts: the app asks for consent again when it changes. */
export const TEMPLATE_VERSION = '2026-12-01'

export const AGREEMENT_TEMPLATE = `【服务名称】用户协议

一、服务说明
本服务由【运营主体名称】提供，通过调用已备案的生成式人工智能模型，为你提供智能问答服务。服务中的回答由人工智能生成，可能不准确或不完整，请谨慎判断，不构成专业意见。

二、内容标识
依据《人工智能生成合成内容标识办法》，本服务生成的回答均标注"内容由 AI 生成"；你复制、导出或分享回答时，该标识会随内容一并保留，请勿删除或篡改。

三、使用规范
你不得利用本服务生成、传播违法违规、色情低俗、暴力恐怖、虚假信息或侵犯他人权益的内容。你的提问与回答会经过内容安全检查，未通过的内容将被拦截、不予保存。

四、投诉与举报
你可以在每条回答下方点击"举报"，或通过【客服联系方式】联系我们。我们将在【处理时限】内处理并反馈。

五、其他
本协议的解释与争议解决适用中华人民共和国法律。更新本协议时，我们会在小程序内提示你重新确认。`

export const PRIVACY_TEMPLATE = `【服务名称】隐私政策

一、我们收集的信息
1. 微信登录标识：用于识别你的身份、统计用量，在服务器上仅以加盐哈希形式记录。
2. 你的提问与对话：用于生成回答，并依法进行内容安全检查；对话保存在你的手机本地，你可以随时在"设置"中清除。
3. 反馈与举报：你主动提交的评价、举报理由、说明及被举报的回答内容，用于处理投诉。

二、我们如何使用信息
仅用于提供问答服务、内容安全检查、处理投诉举报及保障服务安全。我们不会将你的信息用于其他目的，也不会出售给第三方。

三、第三方
为生成回答，你的提问会发送给模型服务提供方【模型提供方名称】；内容安全检查由微信提供。

四、你的权利
你可以在"设置"中清除全部对话、导出对话。如需删除服务器上的反馈记录，请联系【客服联系方式】。

五、联系我们
【运营主体名称】，【客服联系方式】。`

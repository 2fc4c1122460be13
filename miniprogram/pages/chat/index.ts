// Placeholder chat page: the streaming UI arrives with the chat UI work.
Component({
  data: { title: 'AI 对话' },
})

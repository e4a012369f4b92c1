// Settings of the website chat. A deployment edits socketUrl to the public address of the
// bot's socketio channel (rasa run with "socketio" in credentials.yml).
window.CHAT_CONFIG = {
  socketUrl: "http://localhost:5005",
  socketPath: "/socket.io/",
  initPayload: "/greet",
  // user_message_evt and bot_message_evt of the socketio channel in credentials.yml.
  userMessageEvent: "user_uttered",
  botMessageEvent: "bot_uttered",
};

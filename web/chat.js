// Mounts the rasa-webchat widget (loaded from node_modules by index.html) into #chat.
(function () {
  "use strict";

  var config = window.CHAT_CONFIG || {};

  // For development and tests, "?bot=http://localhost:5006" points the page at another bot.
  // Only loopback addresses are accepted, so a crafted link cannot attach the page to a
  // foreign server.
  function socketUrlFromQuery() {
    var value = new URLSearchParams(window.location.search).get("bot");
    if (!value) {
      return null;
    }
    try {
      var url = new URL(value);
      var loopback = ["localhost", "127.0.0.1", "[::1]"].indexOf(url.hostname) !== -1;
      if ((url.protocol === "http:" || url.protocol === "https:") && loopback) {
        return url.origin;
      }
    } catch (error) {
      // Not a URL: fall through to the warning below.
    }
    console.warn("Ignoring ?bot=" + value + ": only http(s) loopback addresses are accepted.");
    return null;
  }

  // Short pause before each bot message, longer for longer texts, so replies read naturally.
  function messageDelay(text) {
    return Math.min(1500, Math.max(300, (text || "").length * 10));
  }

  // The widget draws quick replies as plain <div>s: make them reachable and usable by keyboard.
  function makeRepliesKeyboardFriendly(container) {
    new MutationObserver(function () {
      container.querySelectorAll(".rw-reply:not([role])").forEach(function (reply) {
        reply.setAttribute("role", "button");
        reply.setAttribute("tabindex", "0");
      });
    }).observe(container, { childList: true, subtree: true });

    container.addEventListener("keydown", function (event) {
      var reply = event.target.closest && event.target.closest(".rw-reply");
      if (reply && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        reply.click();
      }
    });
  }

  // A picture in the chat is as narrow as a message: a click opens it full size in a new tab.
  function openPicturesOnClick(container) {
    container.addEventListener("click", function (event) {
      var picture = event.target.closest && event.target.closest("img.rw-image-frame");
      if (picture && /^https?:$/.test(new URL(picture.src).protocol)) {
        window.open(picture.src, "_blank", "noopener");
      }
    });
  }

  var container = document.getElementById("chat");
  makeRepliesKeyboardFriendly(container);
  openPicturesOnClick(container);

  window.WebChat.default(
    {
      socketUrl: socketUrlFromQuery() || config.socketUrl || "http://localhost:5005",
      socketPath: config.socketPath || "/socket.io/",
      initPayload: config.initPayload || "/greet",
      embedded: true,
      withRules: false,
      showCloseButton: false,
      showFullScreenButton: false,
      hideWhenNotConnected: false,
      title: "Kundencenter-Assistent",
      subtitle: "Hilfe zur Mobilfunkverknüpfung",
      inputTextFieldHint: "Ihre Nachricht …",
      connectingText: "Verbindung zum Assistenten wird hergestellt …",
      customMessageDelay: messageDelay,
      // The conversation is kept only for this browser tab, not across browser restarts.
      params: { storage: "session" },
    },
    container
  );
})();

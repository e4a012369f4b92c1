// The website chat: a small widget on socket.io-client for the bot's socketio channel
// (channels/socketio.py, credentials.yml). It replaced rasa-webchat 1.0.1, whose markup left
// answer buttons before the input in the tab order, lost the focus on every button, had no
// live region and no alternative text for pictures (measured; README, "Website chat").
// Everything a message brings is put in as text: no markup from the bot or the customer
// ever becomes part of the page.
(function () {
  "use strict";

  var config = window.CHAT_CONFIG || {};
  var USER_MESSAGE_EVENT = config.userMessageEvent || "user_uttered";
  var BOT_MESSAGE_EVENT = config.botMessageEvent || "bot_uttered";
  // The conversation lives as long as the browser tab: a reload continues it, a new tab or
  // a new browser session starts afresh.
  var STORAGE_KEY = "kundencenter-chat";
  var NEW_TAB = " (öffnet in neuem Tab)";
  // Without an answer for this long, the typing indicator would promise something that is
  // not coming (the bot answers in well under a second; the channel apologises on failure).
  var REPLY_TIMEOUT_MS = 30000;
  // The socketio channel sends a picture as its address only. What the bot's pictures show
  // is written here, by file name; the pictures themselves are in img/.
  var PICTURE_DESCRIPTIONS = {
    "vertragsinhaber-verknuepfung.png":
      "Schematische Darstellung der Seite Login-Verknüpfungen: links eine " +
      "Vertragsinhaber-Verknüpfung mit Kundennummer und den Verträgen darunter " +
      "(vollständiger Zugriff), rechts Verträge, vor denen jeweils „Nutzer“ steht " +
      "(nur begrenzter Zugriff).",
  };
  var UNDESCRIBED_PICTURE = "Bild des Assistenten";
  var URL_PATTERN = /https?:\/\/[^\s<>"„“]+/g;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]»«“”'"]+$/;
  var STEP_PATTERN = /^(\d+)\.\s+(.*)$/;

  var log = document.getElementById("chat-log");
  var list = document.getElementById("chat-messages");
  var typing = document.getElementById("chat-typing");
  var status = document.getElementById("chat-status");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var repliesBox = document.getElementById("chat-replies");
  var announcer = document.getElementById("chat-announcer");

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

  // --- the conversation kept for this tab ---

  function loadState() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY));
      if (stored && typeof stored.sessionId === "string" && Array.isArray(stored.messages)) {
        return stored;
      }
    } catch (error) {
      // No storage (private mode, blocked) or something unreadable: start afresh.
    }
    return { sessionId: null, greeted: false, messages: [] };
  }

  function saveState() {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Without storage the chat still works; only a reload forgets it.
    }
  }

  // --- drawing messages ---

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // What a sighted customer sees in the browser's tab bar, a screen reader says in the link.
  function newTabLink(href, content, note) {
    var link = element("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(content);
    link.appendChild(element("span", "visually-hidden", note || NEW_TAB));
    return link;
  }

  // A URL in a bot text becomes a link; a full stop after it stays text.
  function appendInline(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(TRAILING_PUNCTUATION, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(newTabLink(url, document.createTextNode(url)));
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // The bot's answers number their steps ("1. Öffnen Sie …"), each link on its own line
  // after its step: a real list, so that a screen reader says how many steps there are.
  function appendBotText(parent, text) {
    var paragraph = null;
    var steps = null;
    var step = null;
    text.split("\n").forEach(function (line) {
      var numbered = STEP_PATTERN.exec(line);
      if (numbered) {
        if (!steps) {
          steps = parent.appendChild(element("ol"));
          steps.start = Number(numbered[1]);
        }
        step = steps.appendChild(element("li"));
        appendInline(step, numbered[2]);
        paragraph = null;
      } else if (step && /^https?:\/\/\S+$/.test(line.trim())) {
        step.appendChild(element("br"));
        appendInline(step, line.trim());
      } else if (!line.trim()) {
        paragraph = steps = step = null;
      } else {
        steps = step = null;
        if (paragraph) {
          paragraph.appendChild(element("br"));
        } else {
          paragraph = parent.appendChild(element("p"));
        }
        appendInline(paragraph, line);
      }
    });
  }

  function pictureDescription(src) {
    var name = new URL(src, document.baseURI).pathname.split("/").pop();
    return PICTURE_DESCRIPTIONS[name] || UNDESCRIBED_PICTURE;
  }

  function picture(src) {
    var figure = element("figure", "chat-picture");
    var image = element("img");
    image.src = src;
    image.alt = pictureDescription(src);
    // A picture that arrives after the scroll to the end would push the end out of view.
    image.addEventListener("load", scrollToEnd);
    figure.appendChild(newTabLink(src, image, " (Bild in voller Größe, öffnet in neuem Tab)"));
    return figure;
  }

  function drawMessage(message) {
    var bot = message.from === "bot";
    var item = element("li", "chat-message chat-message-" + (bot ? "bot" : "client"));
    item.appendChild(element("span", "visually-hidden", bot ? "Assistent: " : "Sie: "));
    if (message.text) {
      var bubble = item.appendChild(element("div", "chat-bubble"));
      if (bot) {
        appendBotText(bubble, message.text);
      } else {
        bubble.textContent = message.text;
      }
    }
    if (message.image) {
      item.appendChild(picture(message.image));
    }
    list.appendChild(item);
    scrollToEnd();
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // Polite: a screen reader finishes what it is reading, then reads the bot's message. The
  // customer's own messages are not read back to them.
  function announce(message) {
    var parts = [];
    if (message.text) {
      parts.push(message.text);
    }
    if (message.image) {
      parts.push("Bild: " + pictureDescription(message.image));
    }
    if (message.replies && message.replies.length) {
      parts.push(
        "Antwortmöglichkeiten nach dem Eingabefeld: " +
          message.replies.map(function (reply) {
            return reply.title;
          }).join(", ")
      );
    }
    announcer.appendChild(element("p", null, "Assistent: " + parts.join(" ")));
    while (announcer.childNodes.length > 3) {
      announcer.removeChild(announcer.firstChild);
    }
  }

  function showReplies(replies) {
    repliesBox.textContent = "";
    (replies || []).forEach(function (reply) {
      var button = element("button", "chat-reply", reply.title);
      button.type = "button";
      button.addEventListener("click", function () {
        // The button goes away with the answer: the focus goes to the input, not to the
        // top of the page, and the next question's buttons are the next Tab from there.
        input.focus();
        send(reply.title, reply.payload);
      });
      repliesBox.appendChild(button);
    });
    repliesBox.hidden = repliesBox.childNodes.length === 0;
    // The buttons take room from the conversation above them: keep its end in view.
    scrollToEnd();
  }

  function setStatus(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  // --- the bot's messages, one after the other ---

  var queue = [];
  var showing = false;
  var replyTimer = null;

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(replyTimer);
    if (on) {
      replyTimer = setTimeout(function () {
        typing.hidden = true;
      }, REPLY_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  // A short pause before each bot message, longer for longer texts, so that several
  // messages in a row can be read as they come.
  function messageDelay(message) {
    return Math.min(1500, Math.max(300, (message.text || "").length * 10));
  }

  function showNext() {
    if (showing) {
      return;
    }
    var message = queue.shift();
    if (!message) {
      setTyping(false);
      return;
    }
    showing = true;
    setTyping(true);
    setTimeout(function () {
      showing = false;
      drawMessage(message);
      if (message.replies && message.replies.length) {
        showReplies(message.replies);
      }
      announce(message);
      showNext();
    }, messageDelay(message));
  }

  function safeUrl(value) {
    if (typeof value !== "string") {
      return null;
    }
    try {
      var url = new URL(value, document.baseURI);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // The channel's payloads (rasa/core/channels/socketio.py): {text}, {text, quick_replies},
  // {attachment: {type: "image", payload: {src}}}; anything else is not for this page.
  function fromBot(data) {
    if (!data || typeof data !== "object") {
      return null;
    }
    var message = { from: "bot" };
    if (typeof data.text === "string" && data.text.trim()) {
      message.text = data.text;
    }
    var attachment = data.attachment;
    if (attachment && attachment.type === "image" && attachment.payload) {
      var src = safeUrl(attachment.payload.src);
      if (src) {
        message.image = src;
      }
    }
    var buttons = data.quick_replies || data.buttons;
    if (Array.isArray(buttons)) {
      message.replies = buttons
        .filter(function (button) {
          return button && typeof button.title === "string" && button.title.trim();
        })
        .map(function (button) {
          var payload = typeof button.payload === "string" ? button.payload : button.title;
          return { title: button.title, payload: payload };
        });
    }
    return message.text || message.image ? message : null;
  }

  // --- talking to the bot ---

  var state = loadState();
  var sessionReady = false;
  var outbox = [];

  function emit(text) {
    if (sessionReady) {
      socket.emit(USER_MESSAGE_EVENT, { message: text, session_id: state.sessionId });
    } else {
      outbox.push(text);
    }
  }

  function send(title, payload) {
    showReplies([]);
    var message = { from: "client", text: title };
    state.messages.push(message);
    saveState();
    drawMessage(message);
    emit(payload || title);
    if (!state.withAgent) {
      setTyping(true);
    }
  }

  function pendingReplies() {
    var last = state.messages[state.messages.length - 1];
    return last && last.from === "bot" ? last.replies : null;
  }

  function restore() {
    state.messages.forEach(drawMessage);
    showReplies(pendingReplies());
  }

  function onSessionConfirm(data) {
    var sessionId = typeof data === "string" ? data : data && data.session_id;
    if (!sessionId) {
      return;
    }
    if (sessionId !== state.sessionId) {
      // The bot did not continue the stored conversation: what is shown would mislead.
      list.textContent = "";
      showReplies([]);
      state = { sessionId: sessionId, greeted: false, messages: [] };
    }
    sessionReady = true;
    setStatus("");
    if (!state.greeted) {
      state.greeted = true;
      emit(config.initPayload || "/greet");
      setTyping(true);
    }
    saveState();
    outbox.splice(0).forEach(emit);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text) {
      input.value = "";
      send(text);
    }
    input.focus();
  });

  restore();

  var socket = window.io(socketUrlFromQuery() || config.socketUrl || "http://localhost:5005", {
    path: config.socketPath || "/socket.io/",
  });
  socket.on("connect", function () {
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", onSessionConfirm);
  socket.on(BOT_MESSAGE_EVENT, function (data) {
    if (data && (data.handover === "agent" || data.handover === "bot")) {
      // A person answers from now on, or the bot again: the typing indicator stands for
      // the bot only, and a person's reply may take minutes.
      state.withAgent = data.handover === "agent";
      saveState();
      return;
    }
    var message = fromBot(data);
    if (!message) {
      return;
    }
    // Kept at once, so that a reload in between loses nothing that has arrived.
    state.messages.push(message);
    saveState();
    queue.push(message);
    showNext();
  });
  socket.on("disconnect", function () {
    sessionReady = false;
    setStatus("Die Verbindung zum Assistenten ist unterbrochen. Sie wird wiederhergestellt …");
  });
  socket.on("connect_error", function () {
    setStatus("Der Assistent ist gerade nicht erreichbar. Es wird weiter versucht …");
  });
})();

// The local web chat: plain JS, no build step, no external assets. Talks to /webchat/api/<channel>/….
(function () {
  "use strict";

  const I18N = window.WEBCHAT_I18N;
  const $ = (id) => document.getElementById(id);
  const state = { channel: null, chatId: null, version: -1, lang: "ru", seenToasts: new Set(), poll: 0, loaded: false };

  function t(key) {
    return (I18N[state.lang] || I18N.ru)[key] || I18N.ru[key] || key;
  }

  function applyChrome() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    document.querySelectorAll("[data-i18n-label]").forEach((el) => {
      el.setAttribute("aria-label", t(el.dataset.i18nLabel));
      if (el.title) el.title = t(el.dataset.i18nLabel);
    });
    document.title = t("title");
    if (state.channel) showChannelNote();
    $("language").value = state.lang;
  }

  async function api(path, options) {
    const response = await fetch(`/webchat/api/${path}`, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  const postJson = (path, body) => api(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });

  function showError(message) {
    const el = $("error");
    el.textContent = message;
    el.hidden = !message;
    if (message) setTimeout(() => { if (el.textContent === message) el.hidden = true; }, 6000);
  }

  function showToast(text, alert) {
    const el = $("toast");
    el.textContent = text;
    el.classList.toggle("alert", Boolean(alert));
    el.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(() => { el.hidden = true; }, alert ? 8000 : 3500);
  }

  function formatSize(size) {
    if (size < 1024) return `${size} ${t("bytes")}`;
    if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} ${t("kb")}`;
    return `${(size / 1024 / 1024).toFixed(1)} ${t("mb")}`;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  const ENTITY_TAGS = {
    bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", pre: "pre",
    blockquote: "blockquote", expandable_blockquote: "blockquote", spoiler: "span",
  };

  function entityNode(entity) {
    if (entity.type === "text_link" && /^https?:\/\//.test(entity.url || "")) {
      const link = el("a");
      link.href = entity.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    const node = el(ENTITY_TAGS[entity.type] || "span");
    if (entity.type === "spoiler") node.className = "spoiler";
    return node;
  }

  // Plain text with its http(s) URLs as links (Telegram makes them clickable too; the signing link needs it).
  const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]»]/g;

  function appendText(parent, text) {
    if (["A", "CODE", "PRE"].includes(parent.tagName)) {
      parent.append(text);
      return;
    }
    let pos = 0;
    for (const match of text.matchAll(URL_IN_TEXT)) {
      if (match.index > pos) parent.append(text.slice(pos, match.index));
      const link = el("a", "text-link", match[0]);
      link.href = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.append(link);
      pos = match.index + match[0].length;
    }
    if (pos < text.length) parent.append(text.slice(pos));
  }

  // Entities nest (they come from well-formed HTML), so they build a tree; offsets are JS string indices.
  function formatted(className, text, entities) {
    const root = el("div", className);
    const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
    (function build(parent, start, end, list) {
      let pos = start;
      for (let i = 0; i < list.length;) {
        const entity = list[i];
        const stop = entity.offset + entity.length;
        let j = i + 1;
        while (j < list.length && list[j].offset < stop) j += 1;
        if (entity.offset > pos) appendText(parent, text.slice(pos, entity.offset));
        const node = entityNode(entity);
        build(node, entity.offset, stop, list.slice(i + 1, j));
        parent.append(node);
        pos = stop;
        i = j;
      }
      if (pos < end) appendText(parent, text.slice(pos, end));
    })(root, 0, text.length, sorted);
    return root;
  }

  function keyboardView(entry) {
    const group = el("div", "inline-keyboard");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("buttons"));
    for (const row of entry.buttons) {
      const line = el("div", "keyboard-row");
      for (const button of row) {
        if (button.url && /^https?:\/\//.test(button.url)) {
          const link = el("a", "url-button", button.text);
          link.href = button.url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          line.append(link);
        } else if (button.data !== undefined) {
          const press = el("button", "inline-button", button.text);
          press.type = "button";
          press.addEventListener("click", () => pressButton(entry.message_id, button.data, group));
          line.append(press);
        }
      }
      group.append(line);
    }
    return group;
  }

  function bubbleView(entry) {
    if (entry.kind === "toast") {
      const line = el("p", "toast-entry", entry.text);
      line.dataset.entryId = entry.id;
      return line;
    }
    const bubble = el("article", `bubble ${entry.sender}`);
    bubble.dataset.messageId = entry.message_id;
    bubble.setAttribute("aria-label", entry.sender === "bot" ? t("bot") : t("you"));
    if (entry.photo) {
      const img = el("img", "photo");
      img.src = entry.photo.url;
      img.alt = entry.caption || (entry.sender === "bot" ? t("image") : t("userImage"));
      if (entry.photo.width) img.width = Math.min(entry.photo.width, 480);
      bubble.append(img);
    }
    if (entry.document) {
      const link = el("a", "document", `${entry.document.name} (${formatSize(entry.document.size)})`);
      link.href = `${entry.document.url}?download=1`;
      link.download = entry.document.name;
      link.title = t("download");
      bubble.append(link);
    }
    if (entry.text) bubble.append(formatted("text", entry.text, entry.entities));
    if (entry.caption) bubble.append(formatted("caption", entry.caption, entry.caption_entities));
    if (entry.edited) bubble.append(el("span", "meta", t("edited")));
    if (entry.buttons.length) bubble.append(keyboardView(entry));
    return bubble;
  }

  function render(history) {
    const chat = $("chat");
    const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
    chat.replaceChildren(...history.entries.map(bubbleView));
    if (!history.entries.length) chat.append(el("p", "empty", t("empty")));
    if (atBottom || !state.loaded) chat.scrollTop = chat.scrollHeight;
    for (const entry of history.entries) {
      if (entry.kind !== "toast" || state.seenToasts.has(entry.id)) continue;
      state.seenToasts.add(entry.id);
      if (state.loaded) showToast(entry.text, entry.alert);
    }
    state.loaded = true;
    renderReplyKeyboard(history.reply_keyboard);
    renderCommands(history.commands);
  }

  function renderReplyKeyboard(rows) {
    const box = $("reply-keyboard");
    box.replaceChildren();
    box.hidden = !rows || !rows.length;
    for (const row of rows || []) {
      const line = el("div", "keyboard-row");
      for (const text of row) {
        const key = el("button", "reply-button", text);
        key.type = "button";
        key.addEventListener("click", () => sendText(text));
        line.append(key);
      }
      box.append(line);
    }
  }

  function renderCommands(commands) {
    const box = $("commands");
    box.replaceChildren();
    box.hidden = !commands.length;
    for (const command of commands) {
      const chip = el("button", "command", `/${command.command}`);
      chip.type = "button";
      chip.title = command.description;
      chip.addEventListener("click", () => sendText(`/${command.command}`));
      box.append(chip);
    }
  }

  async function pollLoop(token) {
    let since = null;
    while (token === state.poll) {
      try {
        const query = since === null ? "" : `?since=${since}&wait=25`;
        const history = await api(`${state.channel}/chats/${state.chatId}${query}`);
        if (token !== state.poll) return;
        showError("");
        if (history.version !== state.version || since === null) render(history);
        state.version = history.version;
        since = history.version;
      } catch (error) {
        if (token !== state.poll) return;
        showError(t("offline"));
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
  }

  function openChat(chatId, language) {
    state.chatId = chatId;
    state.lang = language || state.lang;
    state.version = -1;
    state.loaded = false;
    state.seenToasts = new Set();
    localStorage.setItem(`webchat.${state.channel}.chat`, chatId);
    $("user").value = chatId;
    // the composer stays disabled until a chat is open, so nothing typed before that is dropped
    setComposer(true);
    applyChrome();
    state.poll += 1;
    pollLoop(state.poll);
  }

  async function loadUsers() {
    const channel = state.channel;
    const users = await api(`${channel}/users`);
    if (channel !== state.channel) return users;  // a late answer for a channel no longer shown
    const select = $("user");
    select.replaceChildren(...users.map((user) => {
      const option = el("option", "", `${user.name} (${user.id})`);
      option.value = user.id;
      option.dataset.language = user.language;
      return option;
    }));
    return users;
  }

  async function createUser(name) {
    const count = $("user").options.length + 1;
    const user = await postJson(`${state.channel}/users`, { name: name || `${t("defaultName")} ${count}`, language: state.lang });
    await loadUsers();
    openChat(user.id, user.language);
  }

  function showChannelNote() {
    // each channel's real constraints, so the person sees why a reply looks as it does (WhatsApp: 3 buttons, lists)
    const note = $("channel-note");
    if (!note) return;
    const text = state.channel === "whatsapp" ? t("whatsappNote") : "";
    note.textContent = text;
    note.hidden = !text;
    document.body.dataset.channel = state.channel || "";
  }

  function setComposer(enabled) {
    ["text", "send", "attach"].forEach((id) => { $(id).disabled = !enabled; });
  }

  async function selectChannel(name) {
    state.channel = name;
    state.chatId = null;  // until this channel's chat is open, nothing can be sent to the previous one
    setComposer(false);
    showChannelNote();
    localStorage.setItem("webchat.channel", name);
    state.poll += 1;
    const users = await loadUsers();
    if (state.channel !== name) return;  // another channel was picked meanwhile: its call opens the chat
    const saved = localStorage.getItem(`webchat.${name}.chat`);
    const user = users.find((u) => u.id === saved) || users[users.length - 1];
    if (user) openChat(user.id, user.language);
    else await createUser("");
  }

  async function sendText(text) {
    try {
      await postJson(`${state.channel}/chats/${state.chatId}/messages`, { text });
    } catch (error) {
      if (!$("text").value) $("text").value = text;  // give the text back: nothing typed is lost
      showError(`${t("sendFailed")}: ${error.message}`);
    }
  }

  async function pressButton(messageId, data, group) {
    group.querySelectorAll("button").forEach((b) => { b.disabled = true; b.setAttribute("aria-busy", "true"); });
    try {
      await postJson(`${state.channel}/chats/${state.chatId}/buttons`, { message_id: messageId, data });
    } catch (error) {
      group.querySelectorAll("button").forEach((b) => { b.disabled = false; b.removeAttribute("aria-busy"); });
      showError(`${t("sendFailed")}: ${error.message}`);
    }
  }

  async function sendFile(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    const caption = $("text").value.trim();
    if (caption) form.append("caption", caption);
    try {
      await api(`${state.channel}/chats/${state.chatId}/files`, { method: "POST", body: form });
      $("text").value = "";
    } catch (error) {
      showError(`${t("sendFailed")}: ${error.message}`);
    }
  }

  function wire() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("text").value;
      if (!text.trim() || !state.chatId) return;
      $("text").value = "";
      sendText(text);
      $("text").focus();
    });
    $("text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("attach").addEventListener("click", () => $("file").click());
    $("file").addEventListener("change", () => {
      const file = $("file").files[0];
      $("file").value = "";
      if (file) sendFile(file);
    });
    $("user").addEventListener("change", () => {
      const option = $("user").selectedOptions[0];
      if (option) openChat(option.value, option.dataset.language);
    });
    $("language").addEventListener("change", async () => {
      state.lang = $("language").value;
      applyChrome();
      if (!state.chatId) return;
      try {
        await postJson(`${state.channel}/users/${state.chatId}/language`, { language: state.lang });
        await loadUsers();
        $("user").value = state.chatId;
      } catch (error) {
        showError(error.message);
      }
    });
    $("new-user").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = $("new-user-name").value.trim();
      $("new-user-name").value = "";
      createUser(name).catch((error) => showError(error.message));
    });
    $("channel").addEventListener("change", () => selectChannel($("channel").value).catch((e) => showError(e.message)));
  }

  async function start() {
    applyChrome();
    wire();
    const channels = await api("channels");
    $("channel").replaceChildren(...channels.map((c) => {
      const option = el("option", "", c.title);
      option.value = c.name;
      return option;
    }));
    const saved = localStorage.getItem("webchat.channel");
    const channel = channels.find((c) => c.name === saved) || channels[0];
    $("channel").value = channel.name;
    await selectChannel(channel.name);
  }

  start().catch((error) => showError(error.message));
})();

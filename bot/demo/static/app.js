// The demo page: one Telegram-like chat per person of the sample region.
// Plain DOM, no build step, no external assets. Text from the bot is rendered from its
// entities into DOM nodes (never as HTML), so nothing in a message can run as code.
"use strict";

const ROLE_NAMES = { director: "руководитель ОО", teacher: "слушатель", staff: "работник ЧИРО" };
const ERRORS = {
  no_file: "Файл больше недоступен.",
  empty_text: "Сначала напишите сообщение.",
  long_text: "Сообщение длиннее 4096 символов — Telegram такое не отправит.",
  bad_press: "Не удалось нажать кнопку.",
  stale_button: "Этой кнопки уже нет на экране.",
  no_phone: "У этого человека нет телефона в примере данных.",
  no_upload: "Выберите файл.",
  empty_file: "Файл пустой.",
  no_person: "Такого человека в демонстрации нет.",
  bad_body: "Страница отправила неверный запрос — обновите её.",
};
const METHODS = {
  card: "карточка заявки", refresh: "обновление карточек", status: "новый статус",
  comment: "комментарий", group: "новая группа", digest: "дайджест", reminder: "напоминание",
  deadline: "напоминание о сроке", escalation: "напоминание о просрочке", text: "сообщение",
};
const STATES = { pending: "в очереди", held: "ждёт получателя", sent: "отправлено", failed: "не отправлено" };

const state = {
  bot: null,
  people: [],
  current: null,       // id of the person whose chat is shown
  seen: new Map(),     // person id → number of messages already seen
  shownAnswers: new Set(),
  pendingQueries: new Set(),
  revision: -1,
  refreshing: false,
  again: false,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error("Демонстрация не отвечает — она ещё работает?");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    const code = body && body.error;
    throw new Error(ERRORS[code] || `Ошибка ${response.status}.`);
  }
  return body;
}

function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body || {}),
  });
}

// -- text with entities -----------------------------------------------------------------------

const ENTITY_TAGS = {
  bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
  spoiler: "span", blockquote: "blockquote", expandable_blockquote: "blockquote",
};

function entityNode(entity, text) {
  switch (entity.type) {
    case "pre": {
      const code = el("code");
      if (entity.language) code.className = `language-${entity.language}`;
      return [el("pre", {}, code), code];
    }
    case "text_link":
    case "url": {
      const href = entity.type === "url" ? text : entity.url;
      const safe = /^(https?:|tg:|mailto:)/i.test(href || "") ? href : null;
      const link = el("a", { href: safe, target: "_blank", rel: "noopener noreferrer" });
      return [link, link];
    }
    case "email": {
      const link = el("a", { href: `mailto:${text}` });
      return [link, link];
    }
    case "phone_number": {
      const link = el("a", { href: `tel:${text.replace(/[^\d+]/g, "")}` });
      return [link, link];
    }
    default: {
      const tag = ENTITY_TAGS[entity.type];
      if (!tag) return [null, null];
      const node = el(tag, entity.type === "spoiler" ? { class: "spoiler" } : {});
      return [node, node];
    }
  }
}

// Telegram's offsets count UTF-16 code units, which is what JavaScript strings index by.
function renderText(parent, text, entities) {
  const sorted = (entities || [])
    .filter((e) => e.length > 0)
    .slice()
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  renderRange(parent, text, 0, text.length, sorted);
}

function renderRange(parent, text, start, end, entities) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const entityEnd = Math.min(entity.offset + entity.length, end);
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    const inner = [];
    index += 1;
    while (index < entities.length && entities[index].offset < entityEnd) {
      inner.push(entities[index]);
      index += 1;
    }
    const [outer, target] = entityNode(entity, text.slice(entity.offset, entityEnd));
    if (outer === null) {
      renderRange(parent, text, entity.offset, entityEnd, inner);
    } else {
      renderRange(target, text, entity.offset, entityEnd, inner);
      parent.append(outer);
    }
    position = Math.max(position, entityEnd);
  }
  if (position < end) parent.append(text.slice(position, end));
}

// -- the chat ---------------------------------------------------------------------------------

function person(id) {
  return state.people.find((p) => p.id === id) || null;
}

function startLink(url) {
  // https://t.me/<bot>?start=<payload>: Telegram opens the bot and sends "/start <payload>".
  try {
    const parsed = new URL(url);
    if (!["t.me", "telegram.me"].includes(parsed.hostname)) return null;
    if (state.bot && parsed.pathname.replace(/^\//, "") !== state.bot.username) return null;
    return parsed.searchParams.get("start");
  } catch (error) {
    return null;
  }
}

function inlineKeyboard(message) {
  const markup = message.reply_markup;
  if (!markup || !Array.isArray(markup.inline_keyboard)) return null;
  const box = el("div", { class: "inline-keyboard" });
  for (const row of markup.inline_keyboard) {
    const line = el("div", { class: "inline-row" });
    for (const button of row) {
      line.append(el("button", {
        type: "button",
        class: "inline-button",
        "data-message": String(message.message_id),
        onclick: () => pressInline(message.message_id, button),
      }, button.text + (button.url ? " ↗" : "")));
    }
    box.append(line);
  }
  return box;
}

function attachment(message) {
  if (message.document) {
    const doc = message.document;
    return el("a", {
      class: "file",
      href: `/api/files/${encodeURIComponent(doc.file_id)}`,
      download: doc.file_name || "file",
    }, `📄 ${doc.file_name || "файл"}`);
  }
  if (Array.isArray(message.photo) && message.photo.length) {
    const largest = message.photo[message.photo.length - 1];
    return el("img", { src: `/api/files/${encodeURIComponent(largest.file_id)}`, alt: "фото" });
  }
  if (message.contact) {
    return el("div", { class: "file" }, `📱 ${message.contact.phone_number}`);
  }
  return null;
}

function messageItem(message) {
  const fromUser = !(message.from && message.from.is_bot);
  const bubble = el("div", { class: "bubble" });
  const file = attachment(message);
  if (file) bubble.append(file);
  const text = message.text !== undefined ? message.text : message.caption;
  if (text) {
    const body = el("div", { class: "text" });
    renderText(body, text, message.text !== undefined ? message.entities : message.caption_entities);
    bubble.append(body);
  }
  const time = new Date(message.date * 1000).toLocaleTimeString("ru-RU", { hour: "2-digit", minute: "2-digit" });
  const item = el("li", {
    class: `message ${fromUser ? "from-user" : "from-bot"}`,
    "data-id": String(message.message_id),
  }, bubble, el("div", { class: "meta" }, message.edited ? `изменено · ${time}` : time));
  const keyboard = inlineKeyboard(message);
  if (keyboard) item.append(keyboard);
  return item;
}

function renderReplyKeyboard(markup) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  if (!markup || !Array.isArray(markup.keyboard)) {
    box.hidden = true;
    return;
  }
  for (const row of markup.keyboard) {
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      box.append(el("button", {
        type: "button",
        onclick: () => (button.request_contact ? shareContact() : sendText(button.text)),
      }, button.text));
    }
  }
  box.hidden = false;
}

function renderChat(chat) {
  const list = $("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const grew = chat.messages.length !== list.children.length;
  list.replaceChildren(...chat.messages.map(messageItem));
  if (!chat.messages.length) {
    list.append(el("li", { class: "empty muted" },
      "Чат пуст. Нажмите «Открыть приглашение», как будто человек перешёл по ссылке из письма."));
  }
  if (nearBottom || grew) list.scrollTop = list.scrollHeight;
  renderReplyKeyboard(chat.keyboard);
  for (const answer of chat.answers) {
    const key = `${answer.query}:${answer.text}`;
    if (state.shownAnswers.has(key)) continue;
    state.shownAnswers.add(key);
    if (!state.pendingQueries.has(answer.query)) continue;
    state.pendingQueries.delete(answer.query);
    if (answer.show_alert) showAlert(answer.text);
    else showToast(answer.text);
  }
  state.seen.set(state.current, chat.messages.length);
}

function renderPeople() {
  const list = $("people");
  list.replaceChildren(...state.people.map((p) => {
    const unread = Math.max(0, p.messages - (state.seen.get(p.id) || 0));
    const roles = p.roles.map((r) => ROLE_NAMES[r] || r).join(", ");
    return el("li", {}, el("button", {
      type: "button",
      "data-person": String(p.id),
      "aria-current": p.id === state.current ? "true" : "false",
      onclick: () => choose(p.id),
    },
    unread && p.id !== state.current ? el("span", { class: "badge" }, String(unread)) : null,
    el("span", { class: "who" }, p.name),
    el("span", { class: "about muted" }, roles)));
  }));
}

function renderHead() {
  const p = person(state.current);
  $("chat-name").textContent = p ? p.name : "…";
  $("chat-about").textContent = p
    ? [p.roles.map((r) => ROLE_NAMES[r] || r).join(", "), p.organization, p.code].filter(Boolean).join(" · ")
    : "";
}

function renderOutbox(rows) {
  const list = $("outbox");
  if (!rows.length) {
    list.replaceChildren(el("li", { class: "muted" }, "Пока пусто."));
    return;
  }
  list.replaceChildren(...rows.map((row) => el("li", {},
    el("span", { class: `state state-${row.state}` }, STATES[row.state] || row.state),
    ` · №${row.id} ${METHODS[row.method] || row.method}${row.person ? ` → ${row.person}` : ""}`)));
}

// -- refreshing -------------------------------------------------------------------------------

async function refresh() {
  if (state.refreshing) {
    state.again = true;
    return;
  }
  state.refreshing = true;
  try {
    do {
      state.again = false;
      const [people, outbox] = await Promise.all([api("/api/people"), api("/api/outbox")]);
      state.bot = people.bot;
      state.people = people.people;
      if (state.current === null && state.people.length) state.current = state.people[0].id;
      if (state.current !== null) renderChat(await api(`/api/chats/${state.current}`));
      renderPeople();
      renderHead();
      renderOutbox(outbox);
    } while (state.again);
  } catch (error) {
    showToast(error.message);
  } finally {
    state.refreshing = false;
  }
}

function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = (event) => {
    const revision = Number(event.data);
    if (revision !== state.revision) {
      state.revision = revision;
      refresh();
    }
  };
}

// -- acting as the person ---------------------------------------------------------------------

async function act(promise) {
  try {
    const result = await promise;
    refresh();
    return result;
  } catch (error) {
    showToast(error.message);
    return null;
  }
}

function sendText(text) {
  return act(post(`/api/chats/${state.current}/text`, { text }));
}

function shareContact() {
  return act(post(`/api/chats/${state.current}/contact`));
}

async function pressInline(messageId, button) {
  if (button.callback_data !== undefined) {
    const result = await act(post(`/api/chats/${state.current}/press`, {
      message_id: messageId, data: button.callback_data,
    }));
    if (result && result.query) {
      state.pendingQueries.add(result.query);
      refresh();
    }
    return;
  }
  if (button.url) {
    const payload = startLink(button.url);
    if (payload !== null) sendText(payload ? `/start ${payload}` : "/start");
    else window.open(button.url, "_blank", "noopener");
    return;
  }
  showToast("Такую кнопку демонстрация не показывает.");
}

function choose(id) {
  state.current = id;
  clearTimeout(toastTimer);
  $("toast").hidden = true;
  $("messages").replaceChildren();
  refresh();
  if (window.matchMedia("(max-width: 820px)").matches) $("text").focus({ preventScroll: true });
}

// -- small views ------------------------------------------------------------------------------

let toastTimer = null;
function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

// -- wiring -----------------------------------------------------------------------------------

function wire() {
  $("compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("text");
    const text = box.value;
    if (!text.trim()) {
      showToast(ERRORS.empty_text);
      return;
    }
    const result = await sendText(text);
    if (result) box.value = "";
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("compose").requestSubmit();
    }
  });
  $("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    await act(api(`/api/chats/${state.current}/document`, { method: "POST", body: form }));
  });
  $("invite").addEventListener("click", () => {
    const p = person(state.current);
    if (p) sendText(`/start ${p.invitation}`);
  });
  $("tick").addEventListener("click", async () => {
    const button = $("tick");
    button.disabled = true;
    try {
      const report = await api("/api/tick", { method: "POST" });
      $("tick-result").textContent =
        `Поставлено в очередь сообщений: ${report.messages}, из них дайджестов: ${report.digests}.`;
      refresh();
    } catch (error) {
      showToast(error.message);
    } finally {
      button.disabled = false;
    }
  });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
}

wire();
refresh();
listen();

"""What counts as English left in the Chinese interface, for the pages' and browser tests.

The visible text of a page is its text nodes, plus the attributes a reader sees or hears
(``placeholder``, ``title``, ``alt``, ``aria-label``, the label of a button input). Left
out: ``<script>``/``<style>``/``<template>``, code samples (``<code>``, ``<pre>``, ``<kbd>``,
``<samp>``), whatever an element marks as another language (``lang="en"``: the language
switch's "English"; ``<html lang="en">`` does not count: a page wholly in English is what
this looks for), and the alt text of Django's yes/no icons (DJANGO_ICON). Record data
(usernames and other values stored in rows) is left out by the caller: ``record_data``.

English is a run of Latin letters of at least three (``Filter``, ``Select``, ``Forbidden``),
minus ALLOWED: abbreviations and names that are the same in a Chinese interface.
"""

import re
from html.parser import HTMLParser

#: Words that stay as they are in Chinese: abbreviations, file types, product names, units,
#: and the time zone's identifier (the admin shows ``Asia/Shanghai`` as its name).
ALLOWED = frozenset(
    {
        "API",
        "CSV",
        "Excel",
        "xlsx",
        "csv",
        "JSON",
        "URL",
        "HTTP",
        "HTTPS",
        "UTC",
        "OpenAPI",
        "Swagger",
        "Redoc",
        "Django",
        "PDF",
        "Asia",
        "Shanghai",
        # Key names in the admin's "按住 Control 键或 Mac 上的 Command 键来选择多项。"
        "Control",
        "Command",
        "Mac",
    }
)
#: Phrases kept as they are: a request header's name (django-axes' "HTTP Accept" field).
ALLOWED_PHRASES = ("HTTP Accept",)
#: Two-letter tokens never count (ID, OK, PM, kg); a word is three Latin letters or more.
WORD = re.compile(r"(?<![A-Za-z0-9_@.-])[A-Za-z][a-z]*[A-Za-z](?:[’'][a-z]+)?(?![A-Za-z0-9_@-])")
MIN_LETTERS = 3

HIDDEN = {"script", "style", "template", "code", "pre", "kbd", "samp", "noscript"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SEEN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
#: Django's admin writes its yes/no/unknown icons with alt="True"/"False"/"None" in Python
#: (admin_list._boolean_icon), out of reach of any catalog: their alt text is not checked.
DJANGO_ICON = re.compile(r"/admin/img/icon-(yes|no|unknown)\.svg$")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.texts: list[str] = []

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        hidden = (
            self.hidden
            or tag in HIDDEN
            or (lang and not lang.startswith("zh") and tag != "html")
            or ("hidden" in attrs and tag != "input")
        )
        if not hidden and not (tag == "img" and DJANGO_ICON.search(attrs.get("src") or "")):
            self.texts.extend(attrs[name] for name in SEEN_ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
                self.texts.append(attrs.get("value") or "")
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.texts


def english_in(texts, *, record_data=frozenset()) -> list[str]:
    """The texts holding an English word that is neither allowed nor record data."""
    found = []
    records = sorted((r for r in record_data if r), key=len, reverse=True) + list(ALLOWED_PHRASES)
    for text in texts:
        rest = text
        for record in records:
            if record in rest:
                rest = rest.replace(record, " ")
        words = [w for w in WORD.findall(rest) if len(w) >= MIN_LETTERS and w not in ALLOWED]
        if words:
            found.append(text)
    return found

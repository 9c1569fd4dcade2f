#include "data/corpus/html_text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>

namespace prolong::data {
namespace {

// Elements whose content is never text.
const std::set<std::string>& SkippedElements() {
  static const auto* const kSkipped = new std::set<std::string>{
      "script", "style", "noscript", "template", "svg", "math"};
  return *kSkipped;
}

// Elements that start and end a block of text.
const std::set<std::string>& BlockElements() {
  static const auto* const kBlocks = new std::set<std::string>{
      "address", "article", "aside",  "blockquote", "caption",    "dd",
      "div",     "dl",      "dt",     "fieldset",   "figcaption", "figure",
      "footer",  "form",    "h1",     "h2",         "h3",         "h4",
      "h5",      "h6",      "header", "hr",         "li",         "main",
      "nav",     "ol",      "p",      "pre",        "section",    "table",
      "tbody",   "thead",   "title",  "tr",         "ul"};
  return *kBlocks;
}

void AppendUtf8(uint32_t code, std::string* out) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    code = 0xFFFD;
  }
  if (code < 0x80) {
    *out += static_cast<char>(code);
  } else if (code < 0x800) {
    *out += static_cast<char>(0xC0 | (code >> 6));
    *out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    *out += static_cast<char>(0xE0 | (code >> 12));
    *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code >> 18));
    *out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::string Lower(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return lower;
}

// Where the end tag "</name" (any case) starts at or after `from`.
size_t FindEndTag(std::string_view html, size_t from, const std::string& name) {
  for (size_t at = html.find("</", from); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    if (Lower(html.substr(at + 2, name.size())) == name) return at;
  }
  return std::string_view::npos;
}

// Builds the text: collapses whitespace outside <pre>, keeps at most one
// blank line between blocks.
class TextBuilder {
 public:
  void Text(std::string_view text, bool preformatted) {
    for (char c : text) {
      if (!preformatted && std::isspace(static_cast<unsigned char>(c))) {
        pending_space_ = true;
        continue;
      }
      if (preformatted && c == '\n') {
        out_ += '\n';
        pending_space_ = false;
        continue;
      }
      if (pending_space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
      pending_space_ = false;
      out_ += c;
    }
  }
  void LineBreak() {
    pending_space_ = false;
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  void Break() {
    pending_space_ = false;
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (out_.empty()) return;
    if (out_.back() != '\n') {
      out_ += "\n\n";
    } else if (out_.size() < 2 || out_[out_.size() - 2] != '\n') {
      out_ += '\n';
    }
  }
  std::string Finish() {
    Break();
    while (!out_.empty() &&
           std::isspace(static_cast<unsigned char>(out_.back()))) {
      out_.pop_back();
    }
    return std::move(out_);
  }

 private:
  std::string out_;
  bool pending_space_ = false;
};

}  // namespace

std::string DecodeCharacterReference(std::string_view name) {
  std::string out;
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return "";
    uint32_t code = 0;
    for (char c : digits) {
      const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                        : hex && std::isxdigit(static_cast<unsigned char>(c))
                            ? std::tolower(c) - 'a' + 10
                            : -1;
      if (digit < 0) return "";
      code = code * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
    }
    AppendUtf8(code, &out);
    return out;
  }
  static const auto* const kNamed = new std::map<std::string_view, uint32_t>{
      {"amp", '&'},       {"lt", '<'},       {"gt", '>'},
      {"quot", '"'},      {"apos", '\''},    {"nbsp", ' '},
      {"ndash", 0x2013},  {"mdash", 0x2014}, {"lsquo", 0x2018},
      {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
      {"hellip", 0x2026}, {"bull", 0x2022},  {"middot", 0xB7},
      {"copy", 0xA9},     {"reg", 0xAE},     {"trade", 0x2122},
      {"laquo", 0xAB},    {"raquo", 0xBB},   {"times", 0xD7},
      {"divide", 0xF7},   {"plusmn", 0xB1},  {"deg", 0xB0},
      {"le", 0x2264},     {"ge", 0x2265},    {"ne", 0x2260},
      {"rarr", 0x2192},   {"larr", 0x2190},  {"harr", 0x2194},
      {"minus", 0x2212},  {"shy", 0xAD},     {"zwsp", 0x200B},
      {"para", 0xB6},     {"sect", 0xA7},    {"euro", 0x20AC}};
  const auto found = kNamed->find(name);
  if (found == kNamed->end()) return "";
  AppendUtf8(found->second, &out);
  return out;
}

std::string HtmlToText(std::string_view html) {
  TextBuilder text;
  int preformatted = 0;
  size_t i = 0;
  const size_t n = html.size();
  std::string run;  // text up to the next tag, references decoded
  const auto flush = [&] {
    text.Text(run, preformatted > 0);
    run.clear();
  };
  while (i < n) {
    const char c = html[i];
    if (c == '&') {
      const size_t semicolon = html.find(';', i + 1);
      if (semicolon != std::string_view::npos && semicolon - i <= 10) {
        const std::string decoded =
            DecodeCharacterReference(html.substr(i + 1, semicolon - i - 1));
        if (!decoded.empty()) {
          run += decoded;
          i = semicolon + 1;
          continue;
        }
      }
      run += c;
      ++i;
      continue;
    }
    const bool tag_start =
        c == '<' && i + 1 < n &&
        (std::isalpha(static_cast<unsigned char>(html[i + 1])) ||
         html[i + 1] == '/' || html[i + 1] == '!' || html[i + 1] == '?');
    if (!tag_start) {
      run += c;
      ++i;
      continue;
    }
    flush();
    if (html.substr(i, 4) == "<!--") {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    const size_t close = html.find('>', i);
    if (close == std::string_view::npos) break;
    std::string_view tag = html.substr(i + 1, close - i - 1);
    i = close + 1;
    if (tag.empty() || tag[0] == '!' || tag[0] == '?') continue;
    const bool closing = tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    size_t name_end = 0;
    while (name_end < tag.size() &&
           (std::isalnum(static_cast<unsigned char>(tag[name_end])))) {
      ++name_end;
    }
    const std::string name = Lower(tag.substr(0, name_end));
    if (!closing && SkippedElements().count(name) > 0 && tag.back() != '/') {
      const size_t end = FindEndTag(html, i, name);
      if (end == std::string_view::npos) break;
      const size_t end_close = html.find('>', end);
      i = end_close == std::string_view::npos ? n : end_close + 1;
      continue;
    }
    if (name == "pre") preformatted += closing ? -1 : 1;
    preformatted = std::max(preformatted, 0);
    if (name == "br") {
      text.LineBreak();
    } else if (BlockElements().count(name) > 0) {
      text.Break();
    } else if (name == "td" || name == "th") {
      text.Text(" ", false);
    }
  }
  flush();
  return text.Finish();
}

}  // namespace prolong::data

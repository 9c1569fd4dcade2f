#include "data/tasks/pod_text.h"

#include <cctype>
#include <map>
#include <vector>

namespace prolong::data {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

std::string Escape(const std::string& name) {
  static const std::map<std::string, std::string> kNamed = {
      {"lt", "<"},    {"gt", ">"},  {"verbar", "|"}, {"sol", "/"},
      {"quot", "\""}, {"amp", "&"}, {"apos", "'"},   {"nbsp", " "}};
  if (const auto found = kNamed.find(name); found != kNamed.end()) {
    return found->second;
  }
  if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) {
    return "";
  }
  try {
    const long code = std::stol(name, nullptr, 0);  // decimal, 0x.., 0..
    if (code >= 32 && code < 127)
      return std::string(1, static_cast<char>(code));
  } catch (const std::exception&) {
  }
  return "";
}

std::string Link(const std::string& inner) {
  const size_t bar = inner.find('|');
  if (bar != std::string::npos) return inner.substr(0, bar);
  const size_t slash = inner.find('/');
  if (slash == std::string::npos || inner.find("://") != std::string::npos) {
    return inner;
  }
  std::string section = inner.substr(slash + 1);
  if (section.size() >= 2 && section.front() == '"' && section.back() == '"') {
    section = section.substr(1, section.size() - 2);
  }
  const std::string name = inner.substr(0, slash);
  return "\"" + section + "\"" + (name.empty() ? "" : " in " + name);
}

std::string Render(char code, const std::string& inner) {
  switch (code) {
    case 'X':
    case 'Z':
      return "";
    case 'E':
      return Escape(inner);
    case 'L':
      return Link(inner);
    default:
      return inner;
  }
}

// A recursive-descent reader of formatting codes.
class InlineReader {
 public:
  explicit InlineReader(std::string_view text) : text_(text) {}

  std::string Read() { return Until(0); }

 private:
  bool CodeStartsAt(size_t pos) const {
    return pos + 1 < text_.size() && text_[pos] >= 'A' && text_[pos] <= 'Z' &&
           text_[pos + 1] == '<';
  }

  // Length of the closer of a code opened with `brackets` '<'s at pos_, or
  // 0 when none is there: '>' for one bracket, else whitespace and exactly
  // as many '>'s.
  size_t CloserLength(int brackets) const {
    if (brackets == 1) return text_[pos_] == '>' ? 1 : 0;
    size_t p = pos_;
    while (p < text_.size() && IsSpace(text_[p])) ++p;
    if (p == pos_) return 0;
    if (text_.compare(p, brackets, std::string(brackets, '>')) != 0) return 0;
    return p - pos_ + brackets;
  }

  // Text up to the closer of the enclosing code (the end for 0 brackets);
  // an unclosed code runs to the end.
  std::string Until(int brackets) {
    std::string out;
    while (pos_ < text_.size()) {
      if (brackets > 0) {
        if (const size_t closer = CloserLength(brackets)) {
          pos_ += closer;
          return out;
        }
      }
      if (!CodeStartsAt(pos_)) {
        out += text_[pos_++];
        continue;
      }
      const char code = text_[pos_];
      pos_ += 1;
      size_t opening = 0;
      while (pos_ + opening < text_.size() && text_[pos_ + opening] == '<') {
        ++opening;
      }
      int inner_brackets = 1;
      if (opening >= 2 && pos_ + opening < text_.size() &&
          IsSpace(text_[pos_ + opening])) {
        inner_brackets = static_cast<int>(opening);
        pos_ += opening;
        while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
      } else {
        pos_ += 1;
      }
      out += Render(code, Until(inner_brackets));
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool IsBlank(std::string_view line) {
  for (const char c : line) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

std::vector<std::string> Paragraphs(std::string_view text) {
  std::vector<std::string> paragraphs;
  std::string current;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (IsBlank(line)) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty()) current += '\n';
    current += line;
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  return paragraphs;
}

std::string Trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace

std::string PodInlineText(std::string_view pod) {
  return InlineReader(pod).Read();
}

std::string PodToText(std::string_view pod) {
  std::string out;
  auto emit = [&](const std::string& paragraph) {
    if (paragraph.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += paragraph;
  };
  bool in_pod = false;
  std::string skip_until_end;  // the =begin format being skipped
  for (const std::string& paragraph : Paragraphs(pod)) {
    if (paragraph[0] == '=') {
      const size_t space = paragraph.find_first_of(" \t\n");
      const std::string command = paragraph.substr(1, space - 1);
      const std::string argument =
          space == std::string::npos ? "" : Trim(paragraph.substr(space));
      if (!skip_until_end.empty()) {
        if (command == "end") skip_until_end.clear();
        continue;
      }
      in_pod = command != "cut";
      if (command == "begin") {
        skip_until_end = argument.empty() ? "?" : argument;
      } else if (command.rfind("head", 0) == 0 || command == "item") {
        const std::string text = Trim(PodInlineText(argument));
        if (text != "*") emit(text);
      }
      continue;
    }
    if (!in_pod || !skip_until_end.empty()) continue;
    emit(IsSpace(paragraph[0]) ? paragraph : PodInlineText(paragraph));
  }
  return out;
}

}  // namespace prolong::data

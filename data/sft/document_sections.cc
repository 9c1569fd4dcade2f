#include "data/sft/document_sections.h"

#include <optional>

namespace prolong::data {
namespace {

constexpr int kMinLeadWords = 6;
constexpr size_t kMaxLeadBytes = 600;
constexpr double kMinProseFraction = 0.75;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

bool IsLetter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The line starting at `begin`, without its '\n'.
std::string_view LineAt(std::string_view text, size_t begin) {
  const size_t end = text.find('\n', begin);
  return text.substr(
      begin, end == std::string_view::npos ? std::string::npos : end - begin);
}

size_t NextLine(std::string_view text, size_t begin) {
  const size_t end = text.find('\n', begin);
  return end == std::string_view::npos ? text.size() : end + 1;
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

enum class SectionKind { kDocumentStart, kPodSection, kCodeFile };

struct Header {
  SectionKind kind;
  std::string title;
};

// The header that `line` is, or nullopt if it is none.
std::optional<Header> ParseHeader(std::string_view line) {
  while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
  for (const std::string_view prefix : {"=head1 ", "=head2 "}) {
    if (StartsWith(line, prefix) && line.size() > prefix.size()) {
      return Header{
          SectionKind::kPodSection,
          "the section \"" + std::string(line.substr(prefix.size())) + "\""};
    }
  }
  constexpr std::string_view kFile = "# File: ";
  if (StartsWith(line, kFile) && line.size() > kFile.size()) {
    return Header{SectionKind::kCodeFile,
                  "the file " + std::string(line.substr(kFile.size()))};
  }
  return std::nullopt;
}

// `line` without leading whitespace, comment markers and their closers.
std::string_view StripMarkers(std::string_view line) {
  bool changed = true;
  while (changed) {
    changed = false;
    while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    for (const std::string_view marker :
         {"\"\"\"", "'''", "/*", "//", "#", "*"}) {
      if (StartsWith(line, marker)) {
        line.remove_prefix(marker.size());
        changed = true;
        break;
      }
    }
    for (const std::string_view closer : {"\"\"\"", "'''", "*/"}) {
      if (line.size() >= closer.size() &&
          line.substr(line.size() - closer.size()) == closer) {
        line.remove_suffix(closer.size());
        changed = true;
        break;
      }
    }
  }
  return line;
}

// The paragraph's lines as prose: markers removed, whitespace collapsed.
std::string Prose(std::string_view paragraph) {
  std::string prose;
  for (size_t begin = 0; begin < paragraph.size();
       begin = NextLine(paragraph, begin)) {
    const std::string_view line = StripMarkers(LineAt(paragraph, begin));
    for (char c : line) {
      if (IsSpace(c)) {
        if (!prose.empty() && prose.back() != ' ') prose += ' ';
      } else {
        prose += c;
      }
    }
    if (!prose.empty() && prose.back() != ' ') prose += ' ';
  }
  while (!prose.empty() && prose.back() == ' ') prose.pop_back();
  return prose;
}

// A licence or a generated-code marker ("Code generated ... DO NOT EDIT.").
bool IsBoilerplate(std::string_view prose) {
  for (const std::string_view mark :
       {"Copyright", "copyright", "License", "license", "Licence", "licence",
        "SPDX", "DO NOT EDIT"}) {
    if (prose.find(mark) != std::string_view::npos) return true;
  }
  return false;
}

bool ReadsAsLead(std::string_view paragraph, std::string_view prose) {
  const char first = paragraph.front();
  if (IsSpace(first) || first == '=') return false;
  if (prose.empty() || prose.size() > kMaxLeadBytes || prose.back() != '.') {
    return false;
  }
  int words = 1;
  size_t prose_bytes = 0;
  for (char c : prose) {
    words += c == ' ';
    prose_bytes += IsLetter(c) || c == ' ';
  }
  return words >= kMinLeadWords &&
         prose_bytes >= kMinProseFraction * prose.size();
}

// One line of fewer than kMinLeadWords words that does not end in '.'.
bool IsTitleLike(std::string_view paragraph, std::string_view prose) {
  const size_t newline = paragraph.find('\n');
  if (newline != std::string_view::npos && newline + 1 < paragraph.size()) {
    return false;
  }
  int words = prose.empty() ? 0 : 1;
  for (char c : prose) words += c == ' ';
  return words < kMinLeadWords && (prose.empty() || prose.back() != '.');
}

// Finds the lead of `section` (whose header line, if any, is skipped).
void FindLead(std::string_view text, SectionKind kind,
              DocumentSection* section) {
  size_t begin = kind == SectionKind::kDocumentStart
                     ? section->begin
                     : NextLine(text, section->begin);
  while (begin < section->end) {
    if (IsBlank(LineAt(text, begin))) {
      begin = NextLine(text, begin);
      continue;
    }
    // A comment block ends where its comment markers do (at the code it
    // documents); other paragraphs at a blank line.
    const std::string_view first = LineAt(text, begin);
    const std::string_view marker = StartsWith(first, "//")  ? "//"
                                    : StartsWith(first, "#") ? "#"
                                                             : "";
    size_t end = begin;
    while (end < section->end && !IsBlank(LineAt(text, end)) &&
           StartsWith(LineAt(text, end), marker)) {
      end = NextLine(text, end);
    }
    const std::string_view paragraph = text.substr(begin, end - begin);
    std::string prose = Prose(paragraph);
    if (IsBoilerplate(prose) ||
        (kind != SectionKind::kCodeFile && IsTitleLike(paragraph, prose))) {
      begin = end;
      continue;
    }
    if (ReadsAsLead(paragraph, prose)) {
      section->lead_begin = begin;
      section->lead_end = end;
      section->lead = std::move(prose);
    }
    return;
  }
}

}  // namespace

std::vector<DocumentSection> SplitSections(std::string_view text) {
  std::vector<DocumentSection> sections;
  std::vector<SectionKind> kinds;
  for (size_t begin = 0; begin < text.size(); begin = NextLine(text, begin)) {
    std::optional<Header> header = ParseHeader(LineAt(text, begin));
    if (header) {
      sections.push_back({std::move(header->title), begin});
      kinds.push_back(header->kind);
    } else if (sections.empty()) {
      sections.push_back({"the document", begin});
      kinds.push_back(SectionKind::kDocumentStart);
    }
  }
  for (size_t i = 0; i < sections.size(); ++i) {
    sections[i].end =
        i + 1 < sections.size() ? sections[i + 1].begin : text.size();
    sections[i].lead_begin = sections[i].lead_end = sections[i].begin;
    FindLead(text, kinds[i], &sections[i]);
  }
  return sections;
}

}  // namespace prolong::data

#include "data/tasks/man_page.h"

#include <cctype>
#include <utility>

namespace prolong::data {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool IsHeading(std::string_view line) {
  if (line.size() < 2) return false;
  for (const char c : line) {
    if (c != ' ' && !(c >= 'A' && c <= 'Z')) return false;
  }
  return line.front() != ' ' && line.back() != ' ';
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// "name(section)" -> {name, section}; empty when `ref` has another shape.
std::pair<std::string, std::string> SplitReference(std::string_view ref) {
  const size_t open = ref.find('(');
  if (open == 0 || open == std::string_view::npos || ref.back() != ')' ||
      open + 2 >= ref.size() ||
      !std::isdigit(static_cast<unsigned char>(ref[open + 1]))) {
    return {};
  }
  return {std::string(ref.substr(0, open)),
          std::string(ref.substr(open + 1, ref.size() - open - 2))};
}

std::vector<std::string> References(std::string_view text) {
  std::vector<std::string> refs;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t begin = text.find_first_not_of(" \t\n,", pos);
    if (begin == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\n,", begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(begin, end - begin);
    if (!SplitReference(word).first.empty()) refs.emplace_back(word);
    pos = end;
  }
  return refs;
}

struct Line {
  std::string_view text;
  size_t offset;  // of the line's first byte in the page
};

}  // namespace

std::optional<ManPage> ParseManPage(std::string_view text) {
  std::vector<Line> lines;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({text.substr(pos, end - pos), pos});
    pos = end + 1;
  }
  ManPage page;
  size_t i = 0;
  while (i < lines.size() && IsBlank(lines[i].text)) ++i;
  if (i == lines.size()) return std::nullopt;
  page.title = Trim(lines[i].text);
  const auto [title_name, section] = SplitReference(page.title);
  if (title_name.empty()) return std::nullopt;
  page.section = section;
  // Sections: heading -> text (the first section of each name counts).
  std::string heading;
  std::string section_text;
  bool after_blank = true;
  auto close_section = [&]() {
    const std::string body = Trim(section_text);
    if (heading == "NAME" && page.name_line.empty()) {
      page.name_line = body.substr(0, body.find("\n\n"));
    } else if (heading == "DESCRIPTION" && page.description.empty()) {
      page.description = body;
    } else if (heading == "SEE ALSO" && page.see_also.empty()) {
      page.see_also = References(body);
    }
    section_text.clear();
  };
  for (++i; i < lines.size(); ++i) {
    const std::string_view line = lines[i].text;
    if (after_blank && IsHeading(line)) {
      close_section();
      if (heading == "NAME" && page.body.empty()) {
        page.body = Trim(text.substr(lines[i].offset));
      }
      heading = std::string(line);
      after_blank = false;
      continue;
    }
    section_text += line;
    section_text += '\n';
    after_blank = IsBlank(line);
  }
  close_section();
  const size_t dash = page.name_line.find(" - ");
  if (dash == std::string::npos) return std::nullopt;
  page.summary = Trim(page.name_line.substr(dash + 3));
  std::string_view names = std::string_view(page.name_line).substr(0, dash);
  while (!names.empty()) {
    const size_t comma = names.find(',');
    const std::string name = Trim(names.substr(0, comma));
    if (!name.empty()) page.names.push_back(name);
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  if (page.names.empty() || page.summary.empty()) return std::nullopt;
  return page;
}

}  // namespace prolong::data

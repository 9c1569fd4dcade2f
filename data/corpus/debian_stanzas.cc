#include "data/corpus/debian_stanzas.h"

#include <algorithm>
#include <sstream>

namespace prolong::data {
namespace {

std::string TrimEnd(const std::string& text) {
  const size_t end = text.find_last_not_of(" \t");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

std::string Trim(const std::string& text) {
  const std::string end_trimmed = TrimEnd(text);
  return end_trimmed.substr(
      std::min(end_trimmed.size(), end_trimmed.find_first_not_of(" \t")));
}

}  // namespace

std::optional<Stanza> ParseStanza(const std::vector<std::string>& lines) {
  Stanza stanza;
  std::vector<std::string>* field = nullptr;
  for (const std::string& line : lines) {
    if (line[0] == ' ' || line[0] == '\t') {
      if (field == nullptr) return std::nullopt;
      field->push_back(TrimEnd(line));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const std::string name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string::npos) return std::nullopt;
    const auto [entry, inserted] = stanza.try_emplace(name);
    if (!inserted) return std::nullopt;
    entry->second.push_back(Trim(line.substr(colon + 1)));
    field = &entry->second;
  }
  return stanza;
}

std::string StanzaValue(const Stanza& stanza, const std::string& field) {
  const auto entry = stanza.find(field);
  return entry == stanza.end() ? "" : entry->second[0];
}

void ForEachStanza(
    const std::string& text,
    const std::function<void(const std::vector<std::string>&)>& visit) {
  std::istringstream input(text);
  std::string line;
  std::vector<std::string> lines;
  const auto finish_stanza = [&] {
    if (lines.empty()) return;
    visit(lines);
    lines.clear();
  };
  while (std::getline(input, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      finish_stanza();
    } else {
      lines.push_back(line);
    }
  }
  finish_stanza();
}

}  // namespace prolong::data

#include "data/tasks/summary_documents.h"

#include <optional>

#include "data/tasks/man_page.h"
#include "data/tasks/pod_text.h"
#include "data/tasks/sentences.h"

namespace prolong::data {
namespace {

struct LeadAndBody {
  std::string lead, body;
};

std::optional<LeadAndBody> FromPod(const std::string& pod) {
  const std::string text = PodToText(pod);
  // PodToText gives the heading "NAME" as its own paragraph.
  const size_t name = text.find("NAME\n\n");
  if (name == std::string::npos) return std::nullopt;
  const size_t lead_begin = name + 6;
  const size_t lead_end = text.find("\n\n", lead_begin);
  if (lead_end == std::string::npos) return std::nullopt;
  return LeadAndBody{text.substr(lead_begin, lead_end - lead_begin),
                     text.substr(lead_end + 2)};
}

std::optional<LeadAndBody> FromManPage(const std::string& text) {
  const std::optional<ManPage> page = ParseManPage(text);
  if (!page) return std::nullopt;
  return LeadAndBody{page->name_line, page->body};
}

}  // namespace

std::vector<std::string> SummaryDocuments(
    const std::vector<Document>& documents, int min_body_words) {
  std::vector<std::string> out;
  for (const Document& document : documents) {
    const std::optional<LeadAndBody> parts =
        document.text.find("=head1 NAME") != std::string::npos
            ? FromPod(document.text)
            : FromManPage(document.text);
    if (!parts) continue;
    const std::vector<std::string> lead = SplitWords(parts->lead);
    if (lead.empty() ||
        static_cast<int>(SplitWords(parts->body).size()) < min_body_words) {
      continue;
    }
    out.push_back(JoinWords(lead, 0, lead.size()) + "\n\n" + parts->body);
  }
  return out;
}

}  // namespace prolong::data

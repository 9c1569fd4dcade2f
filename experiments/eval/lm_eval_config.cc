#include "experiments/eval/lm_eval_config.h"

#include <algorithm>
#include <set>

namespace prolong::config {
namespace {

void CheckDistinct(const google::protobuf::RepeatedPtrField<std::string>& list,
                   const std::string& path,
                   std::vector<std::string>* problems) {
  std::set<std::string> seen;
  for (int i = 0; i < list.size(); ++i) {
    if (!seen.insert(list[i]).second) {
      problems->push_back("field " + path + "[" + std::to_string(i) +
                          "]: domain \"" + list[i] + "\" is listed twice");
    }
  }
}

}  // namespace

std::vector<std::string> Validate(const LmEvalConfig& c,
                                  const std::string& prefix) {
  std::vector<std::string> problems;
  const auto fail = [&](const std::string& field, const std::string& what) {
    problems.push_back("field " + prefix + field + ": " + what);
  };
  const auto positive = [&](const std::string& field, int64_t value) {
    if (value <= 0)
      fail(field, "must be positive, got " + std::to_string(value));
  };
  if (c.long_domains().empty() && c.short_domains().empty() &&
      c.continuation_domains().empty() && c.definition_domain().empty()) {
    fail("long_domains", "no measure: every domain list is empty");
  }
  if (!c.long_domains().empty() && c.lengths().empty()) {
    fail("lengths", "at least one is needed for long_domains");
  }
  for (int i = 0; i < c.lengths_size(); ++i) {
    positive("lengths[" + std::to_string(i) + "]", c.lengths(i));
  }
  positive("long_documents", c.long_documents());
  if (c.short_length() < 2) {
    fail("short_length", "must be at least 2 (BOS and one token), got " +
                             std::to_string(c.short_length()));
  }
  positive("short_documents", c.short_documents());
  positive("choice_samples", c.choice_samples());
  positive("threads", c.threads());
  CheckDistinct(c.long_domains(), prefix + "long_domains", &problems);
  CheckDistinct(c.short_domains(), prefix + "short_domains", &problems);
  CheckDistinct(c.continuation_domains(), prefix + "continuation_domains",
                &problems);
  const bool short_length_is_a_length =
      std::find(c.lengths().begin(), c.lengths().end(), c.short_length()) !=
      c.lengths().end();
  for (int i = 0; i < c.short_domains_size(); ++i) {
    const std::string& domain = c.short_domains(i);
    if (short_length_is_a_length &&
        std::find(c.long_domains().begin(), c.long_domains().end(), domain) !=
            c.long_domains().end()) {
      fail("short_domains[" + std::to_string(i) + "]",
           "\"" + domain + "\" is also a long domain and short_length " +
               std::to_string(c.short_length()) +
               " is one of the lengths: both would write ppl_" + domain);
    }
  }
  return problems;
}

}  // namespace prolong::config

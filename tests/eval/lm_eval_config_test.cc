#include "experiments/eval/lm_eval_config.h"

#include <gtest/gtest.h>

namespace prolong::config {
namespace {

LmEvalConfig Valid() {
  LmEvalConfig config;
  config.add_long_domains("books");
  config.add_lengths(1024);
  config.add_short_domains("short_web");
  config.set_definition_domain("short_encyclopedic");
  return config;
}

TEST(ValidateLmEvalConfig, AcceptsAValidConfig) {
  EXPECT_TRUE(Validate(Valid()).empty());
}

TEST(ValidateLmEvalConfig, NamesEachProblem) {
  LmEvalConfig config = Valid();
  config.clear_lengths();
  config.add_short_domains("short_web");
  config.set_short_length(1);
  config.set_choice_samples(0);
  EXPECT_EQ(Validate(config, "lm."),
            (std::vector<std::string>{
                "field lm.lengths: at least one is needed for long_domains",
                "field lm.short_length: must be at least 2 (BOS and one "
                "token), got 1",
                "field lm.choice_samples: must be positive, got 0",
                "field lm.short_domains[1]: domain \"short_web\" is listed "
                "twice"}));
}

TEST(ValidateLmEvalConfig, RejectsAnEmptyConfig) {
  EXPECT_EQ(Validate(LmEvalConfig()).size(), 1u);
}

TEST(ValidateLmEvalConfig, RejectsAClashOfLongAndShortPerplexity) {
  LmEvalConfig config = Valid();
  config.add_short_domains("books");
  EXPECT_TRUE(Validate(config).empty());  // short_length 256 != 1024
  config.set_short_length(1024);
  ASSERT_EQ(Validate(config).size(), 1u);
  EXPECT_NE(Validate(config)[0].find("both would write ppl_books"),
            std::string::npos);
}

}  // namespace
}  // namespace prolong::config

#include "experiments/eval/lm_evaluator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "data/packing/held_out.h"

namespace prolong::eval {
namespace {

// Bytes only (no merges): 256 byte tokens + the special tokens.
data::BpeTokenizer ByteTokenizer() {
  return data::BpeTokenizer::Train({"a"}, 261, 1);
}

data::TokenShard Shard(const std::string& domain,
                       const std::vector<std::string>& texts,
                       const data::BpeTokenizer& tokenizer) {
  data::TokenShard shard;
  shard.domain = domain;
  for (size_t d = 0; d < texts.size(); ++d) {
    const std::vector<int32_t> tokens = tokenizer.Encode(texts[d]);
    shard.tokens.insert(shard.tokens.end(), tokens.begin(), tokens.end());
    shard.doc_offsets.push_back(static_cast<int64_t>(shard.tokens.size()));
    shard.doc_names.push_back(domain + std::to_string(d));
  }
  return shard;
}

// The number after `marker` in `text`.
int NumberAfter(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  EXPECT_NE(at, std::string::npos) << marker << " not in " << text;
  return std::atoi(text.c_str() + at + marker.size());
}

class LmEvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> books, fortunes, entries;
    for (int d = 0; d < 120; ++d) {
      std::string text;
      for (int k = 0; k < 6 + d % 5; ++k) {
        text += "Book " + std::to_string(d) + " line " + std::to_string(k) +
                " tells a story.  ";
      }
      books.push_back(text);
      fortunes.push_back("Fortune " + std::to_string(d) + " is short.");
    }
    for (int d = 0; d < 200; ++d) {
      const std::string term = "term" + std::to_string(d);
      entries.push_back(term + "\n\n   <jargon> Entry " + std::to_string(d) +
                        " defines a {" + term + "} carefully.\n");
    }
    shards_["books"] = Shard("books", books, tokenizer_);
    shards_["short_web"] = Shard("short_web", fortunes, tokenizer_);
    shards_["short_encyclopedic"] =
        Shard("short_encyclopedic", entries, tokenizer_);
    for (const auto& [domain, shard] : shards_) {
      held_out_[domain] = data::HeldOutDocuments(shard);
    }

    config::ModelConfig model_config;
    model_config.set_vocab_size(tokenizer_.vocab_size());
    model_config.set_d_model(16);
    model_config.set_n_layers(1);
    model_config.set_n_heads(2);
    model_config.set_n_kv_heads(1);
    model_config.set_ffn_hidden(24);
    model_ = std::make_unique<model::Llama>(model_config);
    model_->Initialize(5);

    config_.add_long_domains("books");
    config_.add_lengths(32);
    config_.add_lengths(64);
    config_.set_long_documents(3);
    config_.add_short_domains("short_web");
    config_.set_short_length(48);
    config_.add_continuation_domains("books");
    config_.set_definition_domain("short_encyclopedic");
    config_.set_choice_samples(12);
  }

  bool HeldOut(const std::string& domain, int64_t d) {
    return held_out_.at(domain).at(d);
  }

  data::BpeTokenizer tokenizer_ = ByteTokenizer();
  Shards shards_;
  std::map<std::string, std::vector<bool>> held_out_;
  std::unique_ptr<model::Llama> model_;
  config::LmEvalConfig config_;
};

TEST_F(LmEvaluatorTest, WritesEveryMeasure) {
  const EvalResults results =
      EvaluateLanguageModel(config_, *model_, tokenizer_, shards_);
  std::vector<std::string> names;
  for (const TaskResult& task : results.tasks) {
    names.push_back(task.task + "@" + std::to_string(task.length) + ":" +
                    task.category);
    EXPECT_EQ(task.prompt_tokens.size(), task.scores.size());
    EXPECT_EQ(task.depth_index.size(), task.scores.size());
    EXPECT_EQ(task.predictions.size(), task.scores.size());
    EXPECT_EQ(task.answers.size(), task.scores.size());
    EXPECT_FALSE(task.scores.empty()) << task.task;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "ppl_books@32:Perplexity", "ppl_books@64:Perplexity",
                "ppl_short_web@48:Short perplexity",
                "mc_continuation@48:Short acc", "mc_continuation_norm@48:Short",
                "mc_definition@48:Short acc", "mc_definition_norm@48:Short"}));
  for (const TaskResult& task : results.tasks) {
    for (const double score : task.scores) {
      if (task.category.find("erplexity") != std::string::npos) {
        EXPECT_GT(score, 1.0);  // an untrained model over 261 tokens
      } else {
        EXPECT_TRUE(score == 0.0 || score == 1.0);
      }
    }
  }
}

TEST_F(LmEvaluatorTest, ReadsOnlyHeldOutDocuments) {
  const EvalResults results =
      EvaluateLanguageModel(config_, *model_, tokenizer_, shards_);
  int checked = 0;
  for (const TaskResult& task : results.tasks) {
    for (size_t i = 0; i < task.scores.size(); ++i) {
      if (task.task == "ppl_books") {
        EXPECT_TRUE(HeldOut("books", task.depth_index[i]));
        EXPECT_EQ(task.prompt_tokens[i], 2 * task.length);
      } else if (task.task == "ppl_short_web") {
        EXPECT_TRUE(HeldOut("short_web", task.depth_index[i]));
        EXPECT_LE(task.prompt_tokens[i], config_.short_length());
      } else if (task.task.rfind("mc_continuation", 0) == 0) {
        for (const std::string* choice :
             {&task.predictions[i], &task.answers[i]}) {
          EXPECT_TRUE(HeldOut("books", NumberAfter(*choice, "Book ")))
              << *choice;
        }
      } else {
        for (const std::string* choice :
             {&task.predictions[i], &task.answers[i]}) {
          EXPECT_TRUE(
              HeldOut("short_encyclopedic", NumberAfter(*choice, "Entry ")))
              << *choice;
        }
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 30);
  // At most long_documents documents per length.
  EXPECT_LE(results.tasks[0].scores.size(), 3u);
}

TEST_F(LmEvaluatorTest, IsDeterministic) {
  const EvalResults a =
      EvaluateLanguageModel(config_, *model_, tokenizer_, shards_);
  const EvalResults b =
      EvaluateLanguageModel(config_, *model_, tokenizer_, shards_);
  ASSERT_EQ(a.tasks.size(), b.tasks.size());
  for (size_t t = 0; t < a.tasks.size(); ++t) {
    EXPECT_EQ(a.tasks[t].scores, b.tasks[t].scores);
    EXPECT_EQ(a.tasks[t].depth_index, b.tasks[t].depth_index);
    EXPECT_EQ(a.tasks[t].answers, b.tasks[t].answers);
  }
}

TEST_F(LmEvaluatorTest, FailsClearlyWithoutLongEnoughDocuments) {
  config_.clear_lengths();
  config_.add_lengths(4096);
  try {
    EvaluateLanguageModel(config_, *model_, tokenizer_, shards_);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("\"books\" at L = 4096"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(LmEvaluatorTest, NamesAMissingShard) {
  config_.add_short_domains("short_math");
  EXPECT_THROW(EvaluateLanguageModel(config_, *model_, tokenizer_, shards_),
               std::runtime_error);
}

}  // namespace
}  // namespace prolong::eval

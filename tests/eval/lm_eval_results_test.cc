// Checks an lm_evaluation's results.h5 on the real pipeline: every measure
// of the default configuration is there in its category, scores are in
// range, and every document the perplexities read is held out of training.
//
//   lm_eval_results_test RESULTS.h5 SHARD.h5... (other files are skipped:
//   a token_shards target also gives its manifest)
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "data/io/hdf5_file.h"
#include "data/packing/held_out.h"
#include "data/shards/token_shard.h"
#include "experiments/eval/results.h"

namespace prolong {
namespace {

std::vector<std::string> g_args;

TEST(LmEvalResults, HoldsEveryMeasureOnHeldOutDocuments) {
  ASSERT_GE(g_args.size(), 2u) << "usage: RESULTS.h5 SHARD.h5...";
  std::map<std::string, data::TokenShard> shards;
  for (size_t i = 1; i < g_args.size(); ++i) {
    const std::string& path = g_args[i];
    if (path.size() < 3 || path.substr(path.size() - 3) != ".h5") continue;
    data::TokenShard shard = data::ReadTokenShard(path);
    shards[shard.domain] = std::move(shard);
  }
  const eval::ResultsSummary summary = eval::ReadResultsSummary(g_args[0]);
  std::set<std::string> tasks;
  std::set<int> long_lengths;
  int short_length = 0;
  for (const auto& row : summary.rows) {
    tasks.insert(row.task);
    if (row.category == "Short" || row.category == "Short acc") {
      short_length = row.length;
      EXPECT_GE(row.score, 0.0) << row.task;
      EXPECT_LE(row.score, 100.0) << row.task;
    } else {
      EXPECT_TRUE(row.category == "Perplexity" ||
                  row.category == "Short perplexity")
          << row.task;
      // A perplexity, not x 100: the micro model's are in the hundreds.
      EXPECT_GT(row.score, 1.0) << row.task;
      EXPECT_LT(row.score, 2048.0) << row.task;
    }
  }
  for (const std::string task :
       {"ppl_code_repos", "ppl_books", "ppl_short_web", "ppl_short_manuals",
        "ppl_short_encyclopedic", "ppl_short_qa", "ppl_short_math", "ppl_arxiv",
        "mc_continuation", "mc_continuation_norm", "mc_definition",
        "mc_definition_norm"}) {
    EXPECT_EQ(tasks.count(task), 1u) << task << " missing";
  }

  io::H5Reader reader(g_args[0]);
  int documents_checked = 0;
  for (const auto& row : summary.rows) {
    if (row.category.find("erplexity") == std::string::npos) continue;
    const std::string domain = row.task.substr(4);
    ASSERT_EQ(shards.count(domain), 1u) << "no shard for " << domain;
    const data::TokenShard& shard = shards[domain];
    const std::vector<bool> held_out = data::HeldOutDocuments(shard);
    const std::string group =
        "tasks/" + row.task + "/L" + std::to_string(row.length) + "/";
    const auto documents = reader.Read<int32_t>(group + "depth_index");
    const auto fed = reader.Read<int32_t>(group + "prompt_tokens");
    const auto names = reader.ReadStrings(group + "answers");
    ASSERT_FALSE(documents.empty()) << row.task;
    for (size_t i = 0; i < documents.size(); ++i) {
      ASSERT_LT(documents[i], shard.num_documents());
      EXPECT_TRUE(held_out[documents[i]]) << row.task << " " << names[i];
      EXPECT_EQ(shard.doc_names[documents[i]], names[i]);
      if (row.length != short_length) {
        EXPECT_EQ(fed[i], 2 * row.length) << row.task;
      }
      ++documents_checked;
    }
  }
  EXPECT_GT(documents_checked, 100);
}

}  // namespace
}  // namespace prolong

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) prolong::g_args.push_back(argv[i]);
  return RUN_ALL_TESTS();
}

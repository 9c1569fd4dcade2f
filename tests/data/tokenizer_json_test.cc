#include "data/tokenizer/tokenizer_json.h"

#include <dirent.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "data/io/atomic_file.h"
#include "data/json/parser.h"
#include "data/json/value.h"
#include "data/json/writer.h"
#include "data/tokenizer/bpe_tokenizer.h"
#include "data/tokenizer/byte_level.h"
#include "gtest/gtest.h"

namespace prolong::data {
namespace {

using json::Value;

// Byte b has id (7 * b + 3) % 256, so ids are not the bytes.
int32_t ByteId(unsigned char b) { return (7 * b + 3) % 256; }

// A Hugging Face style tokenizer.json with known merges, in both merge
// formats: "Ġ t" (rank 0), ["h", "e"], "Ġt he", "l l", "Ċ Ċ" (rank 4).
Value HandWrittenTokenizer() {
  Value::Object vocab;
  for (int b = 0; b < 256; ++b) {
    vocab.emplace_back(ToByteLevel(std::string(1, static_cast<char>(b))),
                       ByteId(b));
  }
  vocab.emplace_back("\xC4\xA0t", 256);  // "Ġt"
  vocab.emplace_back("he", 257);
  vocab.emplace_back("\xC4\xA0the", 258);  // "Ġthe"
  vocab.emplace_back("ll", 259);
  vocab.emplace_back("\xC4\x8A\xC4\x8A", 260);  // "ĊĊ"
  Value::Array merges = {"\xC4\xA0 t", Value::Array{"h", "e"}, "\xC4\xA0t he",
                         "l l", "\xC4\x8A \xC4\x8A"};
  Value::Array added = {
      Value::Object{
          {"id", 300}, {"content", "<|begin_of_text|>"}, {"special", true}},
      Value::Object{
          {"id", 301}, {"content", "<|end_of_text|>"}, {"special", true}},
  };
  return Value::Object{{"version", "1.0"},
                       {"added_tokens", added},
                       {"pre_tokenizer", Value::Object{{"type", "ByteLevel"}}},
                       {"model", Value::Object{{"type", "BPE"},
                                               {"dropout", nullptr},
                                               {"vocab", vocab},
                                               {"merges", merges}}}};
}

std::string WriteTemp(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  io::WriteFileAtomically(path, contents);
  return path;
}

Value& ModelOf(Value& root) {
  for (auto& [key, value] : root.AsObject()) {
    if (key == "model") return value;
  }
  throw std::logic_error("no model");
}

Value& FieldOf(Value& object, const std::string& name) {
  for (auto& [key, value] : object.AsObject()) {
    if (key == name) return value;
  }
  throw std::logic_error("no " + name);
}

// Expects loading `contents` to fail with a message that names the file and
// contains `reason`.
void ExpectLoadError(const std::string& contents, const std::string& reason) {
  const std::string path = WriteTemp("bad_tokenizer.json", contents);
  try {
    BpeTokenizer::Load(path);
    ADD_FAILURE() << "loaded; expected: " << reason;
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("tokenizer file '" + path + "': ", 0), 0u)
        << message;
    EXPECT_NE(message.find(reason), std::string::npos) << message;
  }
}

TEST(TokenizerJsonTest, LoadsHandWrittenFileWithKnownIds) {
  const std::string path =
      WriteTemp("hand_written.json", json::Write(HandWrittenTokenizer(), 2));
  const BpeTokenizer tokenizer = BpeTokenizer::Load(path);
  EXPECT_EQ(tokenizer.vocab_size(), 302);
  EXPECT_EQ(tokenizer.bos_id(), 300);
  EXPECT_EQ(tokenizer.eos_id(), 301);
  // " the" -> Ġthe; " hello" -> Ġ he ll o; "\n\n" at the end -> ĊĊ.
  const std::vector<int32_t> expected = {258, ByteId(' '), 257,
                                         259, ByteId('o'), 260};
  EXPECT_EQ(tokenizer.Encode(" the hello\n\n"), expected);
  EXPECT_EQ(tokenizer.Decode(expected), " the hello\n\n");
  EXPECT_EQ(tokenizer.Decode({300, ByteId('x')}), "<|begin_of_text|>x");
  EXPECT_THROW(tokenizer.Decode({299}), std::out_of_range);  // A hole.
  EXPECT_THROW(tokenizer.SpecialId("<|eot_id|>"), std::invalid_argument);
}

TEST(TokenizerJsonTest, LoadsLlama3StyleFile) {
  // Merges as pairs, ignore_merges, added tokens far above the vocabulary.
  Value root = HandWrittenTokenizer();
  Value& model = ModelOf(root);
  model.AsObject().emplace_back("ignore_merges", true);
  FieldOf(model, "merges") =
      Value::Array{Value::Array{"\xC4\xA0", "t"}, Value::Array{"h", "e"},
                   Value::Array{"\xC4\xA0t", "he"}, Value::Array{"l", "l"}};
  FieldOf(model, "vocab").AsObject().pop_back();  // "ĊĊ"
  FieldOf(root, "added_tokens") = Value::Array{
      Value::Object{{"id", 128000}, {"content", "<|begin_of_text|>"}},
      Value::Object{{"id", 128009}, {"content", "<|eot_id|>"}}};
  const BpeTokenizer tokenizer =
      BpeTokenizer::Load(WriteTemp("llama3_style.json", json::Write(root)));
  EXPECT_EQ(tokenizer.vocab_size(), 128010);
  EXPECT_EQ(tokenizer.bos_id(), 128000);
  EXPECT_EQ(tokenizer.SpecialId("<|eot_id|>"), 128009);
  EXPECT_THROW(tokenizer.eos_id(), std::invalid_argument);
  EXPECT_EQ(tokenizer.Encode(" the"), (std::vector<int32_t>{258}));
  EXPECT_EQ(tokenizer.Decode({128009}), "<|eot_id|>");
  EXPECT_THROW(tokenizer.Decode({128001}), std::out_of_range);
}

TEST(TokenizerJsonTest, SavesHuggingFaceLayout) {
  const BpeTokenizer tokenizer = BpeTokenizer::Train({"the then them"}, 270, 1);
  const std::string path = ::testing::TempDir() + "/layout/tokenizer.json";
  EXPECT_THROW(tokenizer.Save(path), std::runtime_error);  // No such dir.
  const std::string dir = ::testing::TempDir() + "/layout_ok";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  tokenizer.Save(dir + "/tokenizer.json");
  tokenizer.Save(dir + "/tokenizer.json");  // Overwrites.
  // Nothing but the file is left behind.
  std::vector<std::string> names;
  DIR* handle = opendir(dir.c_str());
  ASSERT_NE(handle, nullptr);
  while (const dirent* entry = readdir(handle)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(handle);
  EXPECT_EQ(names, std::vector<std::string>{"tokenizer.json"});

  const Value root = json::Parse(io::ReadFile(dir + "/tokenizer.json"));
  const Value& model = *root.Find("model");
  EXPECT_EQ(model.Find("type")->AsString(), "BPE");
  EXPECT_EQ(root.Find("decoder")->Find("type")->AsString(), "ByteLevel");
  const Value::Array& steps =
      root.Find("pre_tokenizer")->Find("pretokenizers")->AsArray();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].Find("type")->AsString(), "Split");
  EXPECT_EQ(steps[1].Find("type")->AsString(), "ByteLevel");
  EXPECT_EQ(model.Find("vocab")->Find("\xC4\xA0")->AsInt(), ' ');
  EXPECT_EQ(model.Find("merges")->AsArray().at(0).AsString(), "h e");
  const Value::Array& added = root.Find("added_tokens")->AsArray();
  ASSERT_EQ(added.size(), 5u);
  EXPECT_EQ(added[0].Find("content")->AsString(), "<|begin_of_text|>");
  EXPECT_EQ(added[0].Find("id")->AsInt(), tokenizer.bos_id());
  EXPECT_TRUE(added[0].Find("special")->AsBool());
}

TEST(TokenizerJsonTest, ErrorsNameTheFileAndTheProblem) {
  const std::string good = json::Write(HandWrittenTokenizer(), 2);
  ExpectLoadError(good.substr(0, good.size() / 2), "invalid JSON at line ");
  ExpectLoadError("", "invalid JSON at line 1, column 1: unexpected end");
  ExpectLoadError("[]", "top level: expected object, got array");
  ExpectLoadError("{}", "top level: missing field 'model'");

  Value root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "type") = "WordPiece";
  ExpectLoadError(json::Write(root), "model.type: is 'WordPiece'");

  root = HandWrittenTokenizer();
  ModelOf(root).AsObject().pop_back();  // merges
  ExpectLoadError(json::Write(root), "model: missing field 'merges'");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "merges").AsArray()[2] = "\xC4\xA0t zz";
  ExpectLoadError(json::Write(root),
                  "model.merges[2]: 'zz' is not in model.vocab");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "merges").AsArray()[1] = "h e x";
  ExpectLoadError(json::Write(root), "model.merges[1]: expected two tokens");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "merges").AsArray()[1] = 5;
  ExpectLoadError(json::Write(root), "model.merges[1]: expected a string");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "vocab").AsObject().emplace_back("\xE2\x82\xAC", 261);
  ExpectLoadError(json::Write(root), "is not a byte-level token");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "vocab").AsObject().emplace_back("zz", 257);
  ExpectLoadError(json::Write(root), "id 257 is used by another token");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "vocab").AsObject().emplace_back("zz", -4);
  ExpectLoadError(json::Write(root), "id -4 is outside");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "vocab")
      .AsObject()
      .erase(FieldOf(ModelOf(root), "vocab").AsObject().begin() + 'q');
  ExpectLoadError(json::Write(root), "no token for byte 113");

  root = HandWrittenTokenizer();
  FieldOf(root, "added_tokens").AsArray()[0] =
      Value::Object{{"id", 258}, {"content", "<|begin_of_text|>"}};
  ExpectLoadError(json::Write(root), "which is another vocabulary token");

  root = HandWrittenTokenizer();
  FieldOf(root, "added_tokens").AsArray()[0] = Value::Object{{"id", 302}};
  ExpectLoadError(json::Write(root),
                  "added_tokens[0]: missing field 'content'");

  root = HandWrittenTokenizer();
  FieldOf(ModelOf(root), "dropout") = 0.1;
  ExpectLoadError(json::Write(root), "model.dropout: is not supported");

  try {
    BpeTokenizer::Load("/nonexistent/tokenizer.json");
    ADD_FAILURE() << "loaded a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'/nonexistent/tokenizer.json'"),
              std::string::npos);
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
  }
}

}  // namespace
}  // namespace prolong::data
